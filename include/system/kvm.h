/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM accelerator's interface to its architecture code
 * (accel/kvm/kvm-all.c <-> target/i386/kvm/kvm.c).
 */

#ifndef SYSTEM_KVM_H
#define SYSTEM_KVM_H

#include "hw/core/cpu.h"

typedef struct KVMState KVMState;

/* The accelerator, once initialised. */
extern KVMState *kvm_state;

/* The ioctls, retried on EINTR; -errno on failure. */
int kvm_ioctl(KVMState *s, unsigned long type, ...);
int kvm_vm_ioctl(KVMState *s, unsigned long type, ...);
int kvm_vcpu_ioctl(CPUState *cpu, unsigned long type, ...);
/* KVM_CHECK_EXTENSION on the system fd: 0 when absent. */
int kvm_check_extension(KVMState *s, unsigned int extension);

/* VM set-up the architecture needs (TSS for real mode on Intel). */
bool kvm_arch_init(KVMState *s, Error **errp);
/* After KVM_CREATE_VCPU: the CPUID the vCPU reports. */
bool kvm_arch_init_vcpu(CPUState *cpu, Error **errp);
/* Load the target's register state (after reset) into the vCPU. */
bool kvm_arch_put_registers(CPUState *cpu, Error **errp);

#endif /* SYSTEM_KVM_H */
