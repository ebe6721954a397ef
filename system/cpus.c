/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest time, and the hook through which the accelerator owns it.
 */

#include "qemu/osdep.h"
#include "qemu/timer.h"
#include "qemu/thread.h"
#include "system/cpus.h"

static const AccelOpsClass *cpus_accel;

/*
 * cpu_get_clock(): host monotonic time minus the time the VM spent
 * stopped.  Protected by a mutex: vCPU threads (KVM) read it too.
 */
static QemuMutex ticks_lock;
static bool ticks_enabled;
static int64_t cpu_clock_offset;
static int64_t cpu_clock_frozen;

static void __attribute__((constructor)) cpu_ticks_init(void)
{
    qemu_mutex_init(&ticks_lock);
}

int64_t cpu_get_clock(void)
{
    int64_t ret;

    qemu_mutex_lock(&ticks_lock);
    ret = ticks_enabled ? get_clock() + cpu_clock_offset : cpu_clock_frozen;
    qemu_mutex_unlock(&ticks_lock);
    return ret;
}

void cpu_enable_ticks(void)
{
    qemu_mutex_lock(&ticks_lock);
    if (!ticks_enabled) {
        cpu_clock_offset = cpu_clock_frozen - get_clock();
        ticks_enabled = true;
    }
    qemu_mutex_unlock(&ticks_lock);
}

void cpu_disable_ticks(void)
{
    qemu_mutex_lock(&ticks_lock);
    if (ticks_enabled) {
        cpu_clock_frozen = get_clock() + cpu_clock_offset;
        ticks_enabled = false;
    }
    qemu_mutex_unlock(&ticks_lock);
}

void cpus_register_accel(const AccelOpsClass *ops)
{
    assert(!cpus_accel);
    cpus_accel = ops;
}

int64_t cpus_get_virtual_clock(void)
{
    if (cpus_accel && cpus_accel->get_virtual_clock) {
        return cpus_accel->get_virtual_clock();
    }
    return cpu_get_clock();
}

void cpus_set_virtual_clock(int64_t new_time)
{
    if (cpus_accel && cpus_accel->set_virtual_clock) {
        cpus_accel->set_virtual_clock(new_time);
    }
}
