/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VM run state, and requests to shut down or reset the system.
 *
 * Requests may come from any thread or from a signal handler; they only
 * record the request and wake the main loop, which carries it out.
 */

#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

typedef enum RunState {
    RUN_STATE_PRELAUNCH,
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,
    RUN_STATE_SHUTDOWN,
    RUN_STATE_INTERNAL_ERROR,
    RUN_STATE__MAX
} RunState;

typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE,
    SHUTDOWN_CAUSE_HOST_QMP_QUIT,
    SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET,
    SHUTDOWN_CAUSE_HOST_SIGNAL,
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
    SHUTDOWN_CAUSE_GUEST_RESET,
    SHUTDOWN_CAUSE__MAX
} ShutdownCause;

RunState runstate_get(void);
void runstate_set(RunState state);
bool runstate_is_running(void);
/* QMP's name of the state: "prelaunch", "running", "paused"... */
const char *runstate_get_name(void);

/*
 * Start or stop the guest (main loop, BQL): guest time only moves while
 * it runs, and vCPUs run only then.  QMP hears RESUME and STOP.
 */
void vm_start(void);
void vm_stop(RunState state);
/* At exit: stop the vCPUs whatever the state, without a STOP event. */
void vm_shutdown(void);
/* From a vCPU thread: ask the main loop to vm_stop(@state). */
void qemu_system_vmstop_request(RunState state);

void qemu_system_shutdown_request(ShutdownCause reason);
/* The pending shutdown request (a signal, quit...), or NONE. */
ShutdownCause qemu_shutdown_requested_get(void);
/*
 * The same, and the emulator exits with @exit_code, even with
 * -no-shutdown (isa-debug-exit).
 */
void qemu_system_shutdown_request_with_code(ShutdownCause reason,
                                            int exit_code);
/*
 * With -no-reboot, a reset request shuts down instead.  A request from a
 * vCPU thread also stops that vCPU right away, as in QEMU.
 */
void qemu_system_reset_request(ShutdownCause reason);
/* The main loop sends POWERDOWN (there is no ACPI button to press). */
void qemu_system_powerdown_request(void);
/* From a signal handler: async-signal-safe. */
void qemu_system_killed(int signal, pid_t pid);

/* Reset the machine now (BQL, vCPUs paused): its hook, or every device. */
void qemu_system_reset(ShutdownCause reason);
/* Reset every device below /machine (the default machine reset). */
void qemu_devices_reset(ShutdownCause reason);

/* Run the main loop until a shutdown request; returns the exit status. */
int qemu_main_loop(void);

/* -no-shutdown: a guest shutdown stops the VM instead of exiting. */
extern bool no_shutdown;
/* -no-reboot: a reset request exits instead (status 0). */
extern bool no_reboot;

#endif /* SYSTEM_RUNSTATE_H */
