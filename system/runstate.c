/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run state and the main loop's shutdown/reset requests.
 */

#include "qemu/osdep.h"
#include "qemu/atomic.h"
#include "qemu/main-loop.h"
#include "qemu/error-report.h"
#include "hw/boards.h"
#include "hw/qdev-core.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "qapi/qmp-event.h"

bool no_shutdown;

static RunState current_run_state = RUN_STATE_PRELAUNCH;

static const char *const runstate_names[RUN_STATE__MAX] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_SHUTDOWN] = "shutdown",
};

/* Written from signal handlers and other threads, read by the main loop. */
static int shutdown_requested;
static int reset_requested;
static int shutdown_signal;
static pid_t shutdown_pid;

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
}

void vm_stop(RunState state)
{
    if (runstate_is_running()) {
        cpu_disable_ticks();
    }
    runstate_set(state);
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

void qemu_system_reset_request(ShutdownCause reason)
{
    qatomic_set(&reset_requested, reason);
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

void qemu_system_reset(ShutdownCause reason)
{
    MachineClass *mc = current_machine ?
        MACHINE_GET_CLASS(current_machine) : NULL;

    if (mc && mc->reset) {
        mc->reset(current_machine);
    } else {
        object_child_foreach(qdev_get_machine(), qemu_reset_one, NULL);
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

    request = qatomic_xchg(&reset_requested, SHUTDOWN_CAUSE_NONE);
    if (request) {
        qemu_system_reset(request);
        runstate_send_event("RESET", request);
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
        if (no_shutdown && request == SHUTDOWN_CAUSE_GUEST_SHUTDOWN) {
            vm_stop(RUN_STATE_SHUTDOWN);
            return false;
        }
        *status = 0;
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
