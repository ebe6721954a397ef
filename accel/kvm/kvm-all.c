/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM accelerator: a VM of the host kernel, its memory slots and the
 * KVM_RUN loop of each vCPU.  -accel kvm; without /dev/kvm it fails in
 * QEMU's words and the next -accel (kvm:tcg) is tried.
 *
 * Memory: a MemoryListener on address_space_memory turns every writable
 * RAM section (page-aligned part) into a memory slot over the region's
 * host memory, and removes the slot in region_del.  KVM_SET_USER_MEMORY_
 * REGION is synchronous: when it returns, no vCPU uses the old slot any
 * more, so a blob's slot is gone before its region can be freed.
 * Everything else (MMIO, ROM, holes) exits to us and goes through the
 * memory API, as do port I/O exits.
 *
 * vCPU threads run KVM_RUN without the BQL and outside RCU read-side
 * critical sections; they are RCU readers only while handling an exit.
 * A kick sets exit_request and sends SIG_IPI, whose handler sets
 * kvm_run->immediate_exit: KVM_RUN then returns at once with EINTR,
 * whether the signal came during the ioctl or just before it.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/accel.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/rcu.h"
#include "exec/address-spaces.h"
#include "exec/ioport.h"
#include "exec/memory.h"
#include "hw/boards.h"
#include "system/cpus.h"
#include "system/kvm.h"
#include "system/runstate.h"
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#define TYPE_KVM_ACCEL ACCEL_CLASS_NAME("kvm")
OBJECT_DECLARE_SIMPLE_TYPE(KVMState, KVM_ACCEL)

#define SIG_IPI SIGUSR1

typedef struct KVMSlot {
    hwaddr start;
    uint64_t size;
    void *host;
    uint32_t flags;
    bool used;
} KVMSlot;

struct KVMState {
    AccelState parent_obj;

    int fd;
    int vmfd;
    int vcpu_mmap_size;
    int nr_slots;
    KVMSlot *slots;
    bool readonly_mem;
    MemoryListener listener;
};

struct AccelCPUState {
    int fd;
    struct kvm_run *run;
};

KVMState *kvm_state;

/* Why kvm_cpu_exec() returned. */
typedef enum KVMExit {
    KVM_EXIT_KICKED,
    KVM_EXIT_HALTED,
    KVM_EXIT_ERROR,
} KVMExit;

static int kvm_do_ioctl(int fd, unsigned long type, void *arg)
{
    int ret;

    do {
        ret = ioctl(fd, type, arg);
    } while (ret < 0 && errno == EINTR);
    return ret < 0 ? -errno : ret;
}

int kvm_ioctl(KVMState *s, unsigned long type, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, type);
    arg = va_arg(ap, void *);
    va_end(ap);
    return kvm_do_ioctl(s->fd, type, arg);
}

int kvm_vm_ioctl(KVMState *s, unsigned long type, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, type);
    arg = va_arg(ap, void *);
    va_end(ap);
    return kvm_do_ioctl(s->vmfd, type, arg);
}

int kvm_vcpu_ioctl(CPUState *cpu, unsigned long type, ...)
{
    va_list ap;
    void *arg;

    va_start(ap, type);
    arg = va_arg(ap, void *);
    va_end(ap);
    return kvm_do_ioctl(cpu->accel->fd, type, arg);
}

int kvm_check_extension(KVMState *s, unsigned int extension)
{
    int ret = ioctl(s->fd, KVM_CHECK_EXTENSION, extension);

    return ret < 0 ? 0 : ret;
}

/* Memory slots */

static void kvm_set_slot(KVMState *s, int n)
{
    KVMSlot *slot = &s->slots[n];
    struct kvm_userspace_memory_region mem = {
        .slot = n,
        .flags = slot->flags,
        .guest_phys_addr = slot->start,
        .memory_size = slot->used ? slot->size : 0,
        .userspace_addr = (uintptr_t)slot->host,
    };
    int ret = kvm_vm_ioctl(s, KVM_SET_USER_MEMORY_REGION, &mem);

    if (ret < 0) {
        error_report("kvm: cannot %s memory slot %d at 0x%" HWADDR_PRIx
                     "+0x%" PRIx64 ": %s", slot->used ? "set" : "remove", n,
                     slot->start, slot->size, strerror(-ret));
        abort();
    }
}

/* The page-aligned RAM of @section as a slot; false if there is none. */
static bool kvm_section_slot(KVMState *s, MemoryRegionSection *section,
                             KVMSlot *slot)
{
    uint64_t page = getpagesize();
    hwaddr start = section->offset_within_address_space;
    uint64_t size = int128_get64(section->size);
    hwaddr first = ROUND_UP(start, page);
    hwaddr end = (start + size) & ~(page - 1);

    if (!memory_region_is_ram(section->mr) || end <= first ||
        (section->readonly && !s->readonly_mem)) {
        return false;
    }
    slot->start = first;
    slot->size = end - first;
    slot->host = (uint8_t *)memory_region_get_ram_ptr(section->mr) +
                 section->offset_within_region + (first - start);
    slot->flags = section->readonly ? KVM_MEM_READONLY : 0;
    return true;
}

static void kvm_region_add(MemoryListener *listener,
                           MemoryRegionSection *section)
{
    KVMState *s = container_of(listener, KVMState, listener);
    KVMSlot slot;
    int n;

    if (!kvm_section_slot(s, section, &slot)) {
        return;
    }
    for (n = 0; n < s->nr_slots && s->slots[n].used; n++) {
    }
    if (n == s->nr_slots) {
        error_report("kvm: no free memory slot for 0x%" HWADDR_PRIx
                     "+0x%" PRIx64 " (KVM allows %d)", slot.start, slot.size,
                     s->nr_slots);
        abort();
    }
    slot.used = true;
    s->slots[n] = slot;
    kvm_set_slot(s, n);
}

static void kvm_region_del(MemoryListener *listener,
                           MemoryRegionSection *section)
{
    KVMState *s = container_of(listener, KVMState, listener);
    KVMSlot slot;
    int n;

    if (!kvm_section_slot(s, section, &slot)) {
        return;
    }
    for (n = 0; n < s->nr_slots; n++) {
        if (s->slots[n].used && s->slots[n].start == slot.start) {
            s->slots[n].used = false;
            kvm_set_slot(s, n);
            return;
        }
    }
}

/* vCPUs */

static void kvm_ipi_signal(int sig)
{
    /* Async-signal-safe: one store.  Pairs with the clear in the loop. */
    if (current_cpu && current_cpu->accel) {
        qatomic_set(&current_cpu->accel->run->immediate_exit, 1);
    }
}

static bool kvm_init_vcpu(CPUState *cpu, Error **errp)
{
    KVMState *s = kvm_state;
    struct sigaction act = { .sa_handler = kvm_ipi_signal };
    sigset_t set;
    int ret;

    ret = kvm_vm_ioctl(s, KVM_CREATE_VCPU, (void *)(uintptr_t)cpu->cpu_index);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "kvm_init_vcpu: KVM_CREATE_VCPU failed");
        return false;
    }
    cpu->accel = g_new0(AccelCPUState, 1);
    cpu->accel->fd = ret;
    cpu->accel->run = mmap(NULL, s->vcpu_mmap_size, PROT_READ | PROT_WRITE,
                           MAP_SHARED, ret, 0);
    if (cpu->accel->run == MAP_FAILED) {
        error_setg_errno(errp, errno, "kvm_init_vcpu: mmap'ing vcpu state "
                         "failed");
        return false;
    }
    if (!kvm_arch_init_vcpu(cpu, errp)) {
        return false;
    }
    /* SIG_IPI reaches this thread only, and only to kick it. */
    sigaction(SIG_IPI, &act, NULL);
    pthread_sigmask(SIG_BLOCK, NULL, &set);
    sigdelset(&set, SIG_IPI);
    pthread_sigmask(SIG_SETMASK, &set, NULL);
    return true;
}

static void kvm_handle_io(uint16_t port, void *data, int direction,
                          int size, uint32_t count)
{
    uint8_t *p = data;
    uint32_t i;

    for (i = 0; i < count; i++, p += size) {
        address_space_rw(&address_space_io, port, MEMTXATTRS_UNSPECIFIED,
                         p, size, direction == KVM_EXIT_IO_OUT);
    }
}

/* Run @cpu until a kick, HLT or an error; called and returns with BQL. */
static KVMExit kvm_cpu_exec(CPUState *cpu)
{
    struct kvm_run *run = cpu->accel->run;
    Error *err = NULL;
    KVMExit ret = KVM_EXIT_KICKED;
    int r;

    bql_unlock();
    if (cpu->vcpu_dirty) {
        cpu->vcpu_dirty = false;
        if (!kvm_arch_put_registers(cpu, &err)) {
            error_report_err(err);
            bql_lock();
            return KVM_EXIT_ERROR;
        }
    }
    for (;;) {
        /* Pairs with the smp_mb() in cpu_exit(). */
        if (qatomic_read(&cpu->exit_request)) {
            break;
        }
        r = kvm_vcpu_ioctl(cpu, KVM_RUN, NULL);
        if (r == -EINTR || r == -EAGAIN) {
            /* A kick: look at exit_request again. */
            qatomic_set(&run->immediate_exit, 0);
            continue;
        }
        if (r < 0) {
            error_report("kvm run failed: %s", strerror(-r));
            ret = KVM_EXIT_ERROR;
            break;
        }
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            rcu_read_lock();
            kvm_handle_io(run->io.port, (uint8_t *)run + run->io.data_offset,
                          run->io.direction, run->io.size, run->io.count);
            rcu_read_unlock();
            continue;
        case KVM_EXIT_MMIO:
            rcu_read_lock();
            address_space_rw(&address_space_memory, run->mmio.phys_addr,
                             MEMTXATTRS_UNSPECIFIED, run->mmio.data,
                             run->mmio.len, run->mmio.is_write);
            rcu_read_unlock();
            continue;
        case KVM_EXIT_INTR:
            continue;
        case KVM_EXIT_HLT:
            ret = KVM_EXIT_HALTED;
            break;
        case KVM_EXIT_SHUTDOWN:
            /* A triple fault. */
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
            break;
        case KVM_EXIT_INTERNAL_ERROR:
            error_report("KVM internal error. Suberror: %u",
                         run->internal.suberror);
            ret = KVM_EXIT_ERROR;
            break;
        case KVM_EXIT_FAIL_ENTRY:
            error_report("KVM: entry failed, hardware error 0x%llx",
                         run->fail_entry.hardware_entry_failure_reason);
            ret = KVM_EXIT_ERROR;
            break;
        default:
            error_report("KVM: unhandled exit reason %u", run->exit_reason);
            ret = KVM_EXIT_ERROR;
            break;
        }
        break;
    }
    bql_lock();
    return ret;
}

static void *kvm_vcpu_thread_fn(void *arg)
{
    CPUState *cpu = arg;
    Error *err = NULL;

    rcu_register_thread();
    bql_lock();
    cpu->thread_id = qemu_get_thread_id();
    current_cpu = cpu;
    if (!kvm_init_vcpu(cpu, &err)) {
        error_report_err(err);
        exit(1);
    }
    cpu_thread_signal_created(cpu);

    for (;;) {
        qatomic_set(&cpu->exit_request, 0);
        /* Clear before looking at what the kicks asked for. */
        smp_mb();
        qemu_process_cpu_events_common(cpu);
        if (cpu_thread_is_idle(cpu)) {
            qemu_cond_wait_bql(cpu->halt_cond);
            continue;
        }
        switch (kvm_cpu_exec(cpu)) {
        case KVM_EXIT_KICKED:
            break;
        case KVM_EXIT_HALTED:
            /* No interrupt controller here: only a reset wakes it. */
            cpu->halted = true;
            break;
        case KVM_EXIT_ERROR:
            cpu->stop = true;
            qemu_system_vmstop_request(RUN_STATE_INTERNAL_ERROR);
            break;
        }
    }
    return NULL;
}

static void kvm_start_vcpu_thread(CPUState *cpu)
{
    g_autofree char *name = g_strdup_printf("CPU %d/KVM", cpu->cpu_index);

    cpu->thread = g_new0(QemuThread, 1);
    cpu->halt_cond = g_new0(QemuCond, 1);
    qemu_cond_init(cpu->halt_cond);
    qemu_thread_create(cpu->thread, name, kvm_vcpu_thread_fn, cpu,
                       QEMU_THREAD_JOINABLE);
}

static void kvm_kick_vcpu_thread(CPUState *cpu)
{
    cpu_exit(cpu);
    if (cpu->thread && cpu->created) {
        pthread_kill(cpu->thread->thread, SIG_IPI);
    }
}

static const AccelOpsClass kvm_accel_ops = {
    .create_vcpu_thread = kvm_start_vcpu_thread,
    .kick_vcpu_thread = kvm_kick_vcpu_thread,
};

/* The accelerator */

static bool kvm_init(AccelState *as, MachineState *ms, Error **errp)
{
    KVMState *s = KVM_ACCEL(as);
    int max_vcpus, ret;

    s->fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (s->fd < 0) {
        error_setg_errno(errp, errno, "Could not access KVM kernel module");
        return false;
    }
    ret = kvm_ioctl(s, KVM_GET_API_VERSION, NULL);
    if (ret != KVM_API_VERSION) {
        error_setg(errp, "kvm version not supported (API %d, need %d)",
                   ret, KVM_API_VERSION);
        goto err;
    }
    max_vcpus = kvm_check_extension(s, KVM_CAP_MAX_VCPUS);
    if (!max_vcpus) {
        max_vcpus = kvm_check_extension(s, KVM_CAP_NR_VCPUS);
    }
    if (!max_vcpus) {
        max_vcpus = 4;
    }
    if (ms->smp.max_cpus > max_vcpus) {
        error_setg(errp, "Number of SMP cpus requested (%u) exceeds the "
                   "maximum cpus supported by KVM (%d)", ms->smp.max_cpus,
                   max_vcpus);
        goto err;
    }
    if (!kvm_check_extension(s, KVM_CAP_USER_MEMORY) ||
        !kvm_check_extension(s, KVM_CAP_IMMEDIATE_EXIT)) {
        error_setg(errp, "kvm: the host kernel lacks KVM_CAP_USER_MEMORY or "
                   "KVM_CAP_IMMEDIATE_EXIT");
        goto err;
    }
    s->nr_slots = kvm_check_extension(s, KVM_CAP_NR_MEMSLOTS);
    if (!s->nr_slots) {
        s->nr_slots = 32;
    }
    s->slots = g_new0(KVMSlot, s->nr_slots);
    s->readonly_mem = kvm_check_extension(s, KVM_CAP_READONLY_MEM);
    s->vcpu_mmap_size = kvm_ioctl(s, KVM_GET_VCPU_MMAP_SIZE, NULL);
    if (s->vcpu_mmap_size < (int)sizeof(struct kvm_run)) {
        error_setg(errp, "KVM_GET_VCPU_MMAP_SIZE failed");
        goto err;
    }
    ret = kvm_ioctl(s, KVM_CREATE_VM, NULL);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "ioctl(KVM_CREATE_VM) failed");
        goto err;
    }
    s->vmfd = ret;
    if (!kvm_arch_init(s, errp)) {
        close(s->vmfd);
        goto err;
    }

    kvm_state = s;
    s->listener = (MemoryListener) {
        .name = "kvm-memory",
        .region_add = kvm_region_add,
        .region_del = kvm_region_del,
        .priority = 10,
    };
    memory_listener_register(&s->listener, &address_space_memory);
    cpus_register_accel(&kvm_accel_ops);
    return true;

err:
    g_free(s->slots);
    s->slots = NULL;
    close(s->fd);
    return false;
}

static void kvm_accel_class_init(ObjectClass *oc, const void *data)
{
    AccelClass *ac = ACCEL_CLASS(oc);

    ac->name = "kvm";
    ac->init_machine = kvm_init;
}

static const TypeInfo kvm_accel_type = {
    .name = TYPE_KVM_ACCEL,
    .parent = TYPE_ACCEL,
    .instance_size = sizeof(KVMState),
    .class_init = kvm_accel_class_init,
};

static void kvm_type_init(void)
{
    type_register_static(&kvm_accel_type);
}

type_init(kvm_type_init)
