/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run state and the main loop's shutdown/reset requests.
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"
#include "qemu/error-report.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "qapi/qmp/dispatch.h"
#include "qapi/qmp-event.h"
#include "system/cpus.h"
#include "system/runstate.h"

bool no_shutdown;
bool no_reboot;

static RunState current_run_state = RUN_STATE_PRELAUNCH;

static const char *const runstate_names[RUN_STATE__MAX] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_SHUTDOWN] = "shutdown",
    [RUN_STATE_INTERNAL_ERROR] = "internal-error",
};


/* Written from signal handlers and other threads, read by the main loop. */
static int shutdown_requested;
static int reset_requested;
static int shutdown_signal;
static pid_t shutdown_pid;
static int shutdown_exit_code;
static bool shutdown_exit_code_set;
static int vmstop_requested = RUN_STATE__MAX;
static int powerdown_requested;

RunState runstate_get(void)
{
    return current_run_state;
}

void runstate_set(RunState state)
{
    assert(state < RUN_STATE__MAX);
    current_run_state = state;
}

bool runstate_is_running(void)
{
    return current_run_state == RUN_STATE_RUNNING;
}

const char *runstate_get_name(void)
{
    return runstate_names[current_run_state];
}

void vm_start(void)
{
    if (runstate_is_running()) {
        return;
    }
    cpu_enable_ticks();
    runstate_set(RUN_STATE_RUNNING);
    resume_all_vcpus();
    qmp_send_event("RESUME", NULL);
}

/* QEMU's do_vm_stop(): the state changes first, so vCPUs see it. */
static void do_vm_stop(RunState state, bool send_stop)
{
    if (runstate_is_running()) {
        runstate_set(state);
        cpu_disable_ticks();
        pause_all_vcpus();
        if (send_stop) {
            qmp_send_event("STOP", NULL);
        }
        return;
    }
    runstate_set(state);
}

void vm_stop(RunState state)
{
    do_vm_stop(state, true);
}

void vm_shutdown(void)
{
    do_vm_stop(RUN_STATE_SHUTDOWN, false);
}

void qemu_system_vmstop_request(RunState state)
{
    qatomic_set(&vmstop_requested, state);
    qemu_notify_event();
}

void qemu_system_shutdown_request(ShutdownCause reason)
{
    qatomic_set(&shutdown_requested, reason);
    qemu_notify_event();
}

ShutdownCause qemu_shutdown_requested_get(void)
{
    return qatomic_read(&shutdown_requested);
}

void qemu_system_shutdown_request_with_code(ShutdownCause reason,
                                            int exit_code)
{
    qatomic_set(&shutdown_exit_code, exit_code);
    qatomic_set(&shutdown_exit_code_set, true);
    qemu_system_shutdown_request(reason);
}

void qemu_system_reset_request(ShutdownCause reason)
{
    if (no_reboot) {
        qatomic_set(&shutdown_requested, reason);
    } else {
        qatomic_set(&reset_requested, reason);
    }
    cpu_stop_current();
    qemu_notify_event();
}

void qemu_system_killed(int signal, pid_t pid)
{
    shutdown_signal = signal;
    shutdown_pid = pid;
    /* Only async-signal-safe work: a store and an eventfd write. */
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
}

static int qemu_reset_one(Object *child, void *opaque)
{
    if (object_dynamic_cast(child, TYPE_DEVICE)) {
        DeviceState *dev = DEVICE(child);

        /* Devices on a bus are reset by their bus's owner. */
        if (dev->realized && !dev->parent_bus) {
            device_cold_reset(dev);
        }
    }
    object_child_foreach(child, qemu_reset_one, opaque);
    return 0;
}

void qemu_devices_reset(ShutdownCause reason)
{
    object_child_foreach(qdev_get_machine(), qemu_reset_one, NULL);
}

void qemu_system_reset(ShutdownCause reason)
{
    MachineClass *mc = current_machine ?
        MACHINE_GET_CLASS(current_machine) : NULL;

    if (mc && mc->reset) {
        mc->reset(current_machine, reason);
    } else {
        qemu_devices_reset(reason);
    }
}

/* QEMU's ShutdownCause names, as QMP events carry them. */
static const char *const shutdown_cause_names[] = {
    [SHUTDOWN_CAUSE_NONE] = "none",
    [SHUTDOWN_CAUSE_HOST_QMP_QUIT] = "host-qmp-quit",
    [SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET] = "host-qmp-system-reset",
    [SHUTDOWN_CAUSE_HOST_SIGNAL] = "host-signal",
    [SHUTDOWN_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
    [SHUTDOWN_CAUSE_GUEST_RESET] = "guest-reset",
};

/* SHUTDOWN or RESET, as QEMU sends them: {"guest": ..., "reason": ...}. */
static void runstate_send_event(const char *name, ShutdownCause cause)
{
    g_autoptr(JsonObject) data = json_object_new();

    json_object_set_boolean_member(data, "guest",
                                   cause >= SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    json_object_set_string_member(data, "reason",
                                  shutdown_cause_names[cause]);
    qmp_send_event(name, data);
}

/* Returns true, with the exit status in *status, when the loop must end. */
static bool main_loop_should_exit(int *status)
{
    ShutdownCause request;
    int vmstop;

    request = qatomic_xchg(&reset_requested, SHUTDOWN_CAUSE_NONE);
    if (request) {
        /* vCPUs must not run while their registers and devices reset. */
        pause_all_vcpus();
        qemu_system_reset(request);
        runstate_send_event("RESET", request);
        resume_all_vcpus();
    }

    /*
     * QEMU also presses the board's ACPI power button here; q35 has no
     * ACPI in this tree, so the event is all there is.
     */
    if (qatomic_xchg(&powerdown_requested, 0)) {
        qmp_send_event("POWERDOWN", NULL);
    }

    vmstop = qatomic_xchg(&vmstop_requested, RUN_STATE__MAX);
    if (vmstop != RUN_STATE__MAX) {
        vm_stop(vmstop);
    }

    request = qatomic_xchg(&shutdown_requested, SHUTDOWN_CAUSE_NONE);
    if (request) {
        runstate_send_event("SHUTDOWN", request);
        if (request == SHUTDOWN_CAUSE_HOST_SIGNAL) {
            if (shutdown_pid) {
                error_report("terminating on signal %d from pid %d",
                             shutdown_signal, (int)shutdown_pid);
            } else {
                error_report("terminating on signal %d", shutdown_signal);
            }
        }
        /* isa-debug-exit ends QEMU whatever -no-shutdown says. */
        if (no_shutdown && request == SHUTDOWN_CAUSE_GUEST_SHUTDOWN &&
            !qatomic_read(&shutdown_exit_code_set)) {
            vm_stop(RUN_STATE_SHUTDOWN);
            return false;
        }
        *status = qatomic_read(&shutdown_exit_code);
        return true;
    }
    return false;
}

int qemu_main_loop(void)
{
    int status = 0;

    while (!main_loop_should_exit(&status)) {
        main_loop_wait(false);
    }
    return status;
}

/*
 * QMP stop and cont.  As in QEMU, cont refuses a VM that needs a reset
 * first (after an internal error or a guest shutdown with -no-shutdown).
 */
static void qmp_stop(JsonObject *args, JsonNode **ret, Error **errp)
{
    if (qmp_check_args(args, NULL, errp)) {
        vm_stop(RUN_STATE_PAUSED);
    }
}

static void qmp_cont(JsonObject *args, JsonNode **ret, Error **errp)
{
    if (!qmp_check_args(args, NULL, errp)) {
        return;
    }
    if (current_run_state == RUN_STATE_INTERNAL_ERROR ||
        current_run_state == RUN_STATE_SHUTDOWN) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return;
    }
    vm_start();
}

void qemu_system_powerdown_request(void)
{
    qatomic_set(&powerdown_requested, 1);
    qemu_notify_event();
}

/* Only asks, as quit does: POWERDOWN comes from the main loop. */
static void qmp_system_powerdown(JsonObject *args, JsonNode **ret,
                                 Error **errp)
{
    if (qmp_check_args(args, NULL, errp)) {
        qemu_system_powerdown_request();
    }
}

static void __attribute__((constructor)) runstate_qmp_register(void)
{
    qmp_register_command("stop", qmp_stop, QCO_NO_OPTIONS);
    qmp_register_command("cont", qmp_cont, QCO_NO_OPTIONS);
    qmp_register_command("system_powerdown", qmp_system_powerdown,
                         QCO_NO_OPTIONS);
}
