/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The fuzzers' driver: target registry, emulator start-up, libFuzzer's
 * entry points, and forking per input.
 *
 * Forking, as QEMU's stateful targets do: the child runs the input and
 * exits, so device state never leaks into the next input.  libFuzzer
 * learns what an input covered from the 8-bit counters that the
 * compiler puts in section __sancov_cntrs; the child updates its own
 * copy, so before exiting it copies them into a shared mapping, from
 * which the parent takes them back.  Comparison feedback (-use_cmp,
 * -use_value_profile) lives inside libFuzzer and is lost for forked
 * inputs.
 */

#include "qemu/osdep.h"
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "block/aio.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/qtest.h"
#include "system/system.h"
#include "fuzz.h"

/* libFuzzer's coverage counters, delimited by the linker. */
extern uint8_t __start___sancov_cntrs[] __attribute__((weak));
extern uint8_t __stop___sancov_cntrs[] __attribute__((weak));

static GPtrArray *fuzz_targets;
static FuzzTarget *fuzz_target;
static QTestState *fuzz_qts;
static uint8_t *fuzz_counters_shm;

void fuzz_add_target(const FuzzTarget *target)
{
    if (!fuzz_targets) {
        fuzz_targets = g_ptr_array_new();
    }
    g_ptr_array_add(fuzz_targets, g_memdup2(target, sizeof(*target)));
}

static FuzzTarget *fuzz_find_target(const char *name)
{
    guint i;

    for (i = 0; fuzz_targets && i < fuzz_targets->len; i++) {
        FuzzTarget *t = g_ptr_array_index(fuzz_targets, i);

        if (!strcmp(t->name, name)) {
            return t;
        }
    }
    return NULL;
}

/* A bound, so that a bottom half that keeps rescheduling cannot hang. */
#define FLUSH_MAX_ITERATIONS 1000

/*
 * Not main_loop_wait(): it drops the BQL around poll(), and a forked
 * child cannot, since the BQL is an error-checking mutex that belongs to
 * the parent's thread.  Holding it throughout also keeps the call_rcu
 * thread from holding it when the parent forks.
 */
void flush_events(QTestState *s)
{
    AioContext *ctx = qemu_get_aio_context();
    int i;

    for (i = 0; i < FLUSH_MAX_ITERATIONS; i++) {
        bool progress = aio_poll(ctx, false);

        progress |= qemu_clock_run_all_timers();
        if (!progress) {
            break;
        }
    }
}

GArray *fuzz_split(const unsigned char *data, size_t size, const char *sep)
{
    GArray *pieces = g_array_new(false, false, sizeof(FuzzPiece));
    size_t seplen = strlen(sep);
    const unsigned char *end = data + size;
    const unsigned char *p = data;

    while (p <= end) {
        const unsigned char *next = memmem(p, end - p, sep, seplen);
        FuzzPiece piece = { p, (next ? next : end) - p };

        g_array_append_val(pieces, piece);
        if (!next) {
            break;
        }
        p = next + seplen;
    }
    return pieces;
}

static size_t fuzz_counters_size(void)
{
    if (!__start___sancov_cntrs || !__stop___sancov_cntrs) {
        return 0;
    }
    return __stop___sancov_cntrs - __start___sancov_cntrs;
}

static void fuzz_fork_init(void)
{
    size_t size = fuzz_counters_size();

    if (!size) {
        return;
    }
    fuzz_counters_shm = mmap(NULL, size, PROT_READ | PROT_WRITE,
                             MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (fuzz_counters_shm == MAP_FAILED) {
        perror("fuzz: mmap");
        exit(1);
    }
}

void fuzz_fork(QTestState *s,
               void (*fn)(QTestState *s, const unsigned char *data,
                          size_t size),
               const unsigned char *data, size_t size)
{
    size_t counters = fuzz_counters_size();
    int status;
    pid_t pid;

    pid = fork();
    if (pid < 0) {
        perror("fuzz: fork");
        abort();
    }
    if (pid == 0) {
        /* libFuzzer's timeout kills the parent: take the child along. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        fn(s, data, size);
        flush_events(s);
        if (counters) {
            memcpy(fuzz_counters_shm, __start___sancov_cntrs, counters);
        }
        _Exit(0);
    }

    /* libFuzzer's SIGALRM (the -timeout check) interrupts the wait. */
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("fuzz: waitpid");
            abort();
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (counters) {
            memcpy(__start___sancov_cntrs, fuzz_counters_shm, counters);
        }
        return;
    }
    /* The child printed why (sanitizer report, assertion); save input. */
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "fuzz: the input's process was killed by signal "
                "%d (%s)\n", WTERMSIG(status), strsignal(WTERMSIG(status)));
    } else {
        fprintf(stderr, "fuzz: the input's process exited with status %d\n",
                WEXITSTATUS(status));
    }
    abort();
}

static void fuzz_usage(const char *prog)
{
    guint i;

    printf("Usage: %s --fuzz-target=NAME [LIBFUZZER ARGUMENTS]\n"
           "(or %s-target-NAME)\n\nTargets:\n", prog, prog);
    for (i = 0; fuzz_targets && i < fuzz_targets->len; i++) {
        FuzzTarget *t = g_ptr_array_index(fuzz_targets, i);

        printf(" * %s: %s\n", t->name, t->description);
    }
    printf("\nAlternatively, add -target-NAME to the executable's name.\n"
           "Set QTEST_LOG=1 to see the qtest commands of each input; they "
           "replay\nwith qemu-system-x86_64 -qtest stdio.  See "
           "docs/devel/fuzzing.md.\n");
}

/* The target named by the program name (...-target-NAME) or argv. */
static const char *fuzz_target_name(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/');
    const char *name;
    int i;

    base = base ? base + 1 : argv[0];
    name = strstr(base, "-target-");
    if (name) {
        return name + strlen("-target-");
    }
    for (i = 1; i < argc; i++) {
        if (g_str_has_prefix(argv[i], "--fuzz-target=")) {
            return argv[i] + strlen("--fuzz-target=");
        }
    }
    return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv, char ***envp);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv, char ***envp)
{
    const char *name = fuzz_target_name(*argc, *argv);
    g_autoptr(GString) args = NULL;
    g_autoptr(GString) cmdline = NULL;
    g_autoptr(GError) err = NULL;
    /* The emulator keeps pointers into its argv: never freed. */
    static char **qemu_argv;
    int qemu_argc;

    fuzz_target = name ? fuzz_find_target(name) : NULL;
    if (!fuzz_target) {
        if (name) {
            fprintf(stderr, "fuzz: no target named '%s'\n", name);
        }
        fuzz_usage((*argv)[0]);
        exit(name ? 1 : 0);
    }

    args = fuzz_target->get_init_cmdline(fuzz_target);
    cmdline = g_string_new("qemu-system-x86_64 -display none -accel qtest ");
    g_string_append(cmdline, args->str);
    if (getenv("QTEST_LOG")) {
        fprintf(stderr, "fuzz: %s\n", cmdline->str);
    }
    if (!g_shell_parse_argv(cmdline->str, &qemu_argc, &qemu_argv, &err)) {
        fprintf(stderr, "fuzz: bad command line: %s\n", err->message);
        exit(1);
    }
    qemu_init(qemu_argc, qemu_argv);

    fuzz_qts = qtest_inproc_init(qtest_server_inproc_recv);
    qtest_server_set_send_handler(qtest_client_inproc_recv, fuzz_qts);
    fuzz_fork_init();
    if (fuzz_target->pre_fuzz) {
        fuzz_target->pre_fuzz(fuzz_qts);
    }
    flush_events(fuzz_qts);
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    fuzz_target->fuzz(fuzz_qts, data, size);
    return 0;
}
