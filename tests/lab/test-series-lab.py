#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Tests for scripts/series-lab, as a TAP program for meson (suite "lab").
# The fixtures are small patches generated against a throw-away git
# repository; configure, build, test and the unmap bench are replaced by
# shell and Python stand-ins, so nothing is compiled and every case runs
# in seconds.
#
# usage: test-series-lab.py PATH/TO/series-lab

import fcntl
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback

LAB = os.path.abspath(sys.argv[1])
TMP = tempfile.mkdtemp(prefix="series-lab-test-")
REPO = os.path.join(TMP, "repo")
MAILS = os.path.join(TMP, "mails")
ORDER = os.path.join(TMP, "bench-order")
ENV = dict(os.environ, HOME=TMP, GIT_CONFIG_NOSYSTEM="1",
           GIT_AUTHOR_NAME="Lab Test", GIT_AUTHOR_EMAIL="lab@example.org",
           GIT_COMMITTER_NAME="Lab Test",
           GIT_COMMITTER_EMAIL="lab@example.org", FAKE_BENCH_LOG=ORDER)
ENV.pop("QTEST_QEMU_BINARY", None)

# stall.txt: the fake bench's answer, "UNMAP_NS GRACE_PERIODS FORCED".
FILES = {
    "configure": "# a new configure makes the lab configure again\n",
    "stall.txt": "20000000 2 0\n",
    "lines.txt": "".join("%d\n" % i for i in range(1, 11)),
    "build.sh": """\
if [ -e BROKEN ]; then echo "build.sh: error: BROKEN is here" >&2; exit 1; fi
if [ -e HANGBUILD ]; then sleep 60; fi
mkdir -p build && date > build/stamp
""",
    # Prints what meson test prints; FAILTEST names a test that fails.
    "test.sh": """\
if [ -e NOSUMMARY ]; then echo "ran nothing"; exit 0; fi
failing=$(cat FAILTEST 2>/dev/null)
i=0 ok=0 fail=0
for t in test-a test-b test-c; do
    i=$((i + 1)) r=OK
    if [ "$t" = "$failing" ]; then r=FAIL fail=$((fail + 1));
    else ok=$((ok + 1)); fi
    echo "$i/4 lab:unit / $t    $r    0.01s"
done
echo "4/4 lab:unit / test-d    SKIP    0.00s"
printf 'Ok: %d\\nExpected Fail: 0\\nFail: %d\\nUnexpected Pass: 0\\n' $ok $fail
printf 'Skipped: 1\\nTimeout: 0\\n'
[ $fail -eq 0 ]
""",
}

FAKE_BENCH = """\
while [ $# -gt 0 ]; do
    case $1 in --json) out=$2 ;; --load) load=$2 ;; -n) n=$2 ;; esac
    shift 2
done
echo "$(basename "$PWD") $load" >> "$FAKE_BENCH_LOG"
if [ -e HANG ] && [ "$load" = busy ]; then sleep 60; fi
if [ -e BENCH77 ]; then exit 77; fi
if [ -e BENCHFAIL ]; then exit 3; fi
if [ -e BADJSON ]; then
    echo '{"unmap_ns": [1], "next_cmd_ns": [1]}' > "$out"
    exit
fi
read -r stall gp forced < stall.txt
if [ "$load" = busy ]; then stall=$((stall * 2)); fi
# list FIRST STEP: n integers as a JSON list body
list() {
    i=0 sep=
    while [ $i -lt "$n" ]; do
        printf '%s%d' "$sep" $(($1 + $2 * i))
        sep=, i=$((i + 1))
    done
}
fmt='{"load": "%s", "n": %d, "unmap_ns": [%s], "next_cmd_ns": [%s],'
fmt="$fmt"' "grace_periods": [%s], "forced": [%s]}\\n'
printf "$fmt" "$load" "$n" "$(list "$stall" 1000)" \\
    "$(list $((stall / 2)) 0)" "$(list "$gp" 0)" "$(list "$forced" 0)" > "$out"
"""

# The in-guest bench: "--json OUT -n N QEMU KERNEL"; the fake bench's
# idle stall, in microseconds, and the arguments it got.
FAKE_GUEST_BENCH = """\
import json, os, sys
out, n = sys.argv[2], int(sys.argv[4])
if os.path.exists("BENCH77"):
    sys.exit(77)
if os.path.exists("BENCHFAIL"):
    sys.exit(3)
stall = int(open("stall.txt").read().split()[0]) // 1000
with open(out, "w") as f:
    json.dump({"n": n, "unmap_us": [stall + i for i in range(n)],
               "next_cmd_us": [1] * n, "args": sys.argv[5:]}, f)
"""


def sh(cmd, cwd=None):
    return subprocess.run(cmd, shell=True, cwd=cwd, env=ENV, check=True,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT).stdout.decode()


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def series(name, changes):
    """Commit CHANGES ([(file, text), ...], one commit each) in a clone
    of REPO and write them as patch mails to MAILS/NAME."""
    clone = os.path.join(TMP, "clone-" + name)
    sh("git clone -q %s %s" % (REPO, clone))
    for i, (path, text) in enumerate(changes):
        write(os.path.join(clone, path), text)
        sh("git add -A && git commit -q -m '%s: change %s (%d)'"
           % (name, path, i + 1), clone)
    sh("git format-patch -q -o %s origin/main" % os.path.join(MAILS, name),
       clone)
    return clone


def setup():
    for path, text in FILES.items():
        write(os.path.join(REPO, path), text)
    sh("git init -q -b main && git add -A && git commit -q -m base", REPO)
    series("good", [("stall.txt", "9000000 2 1\n"),
                    ("stall.txt", "300000 2 2\n")])
    # bad2: the second patch needs a file that only the clone has.
    clone = os.path.join(TMP, "clone-bad2")
    sh("git clone -q %s %s" % (REPO, clone))
    write(os.path.join(clone, "stall.txt"), "9000000 2 1\n")
    sh("git commit -q -am 'bad2: force the first grace period'", clone)
    write(os.path.join(clone, "missing.txt"), "a\n")
    sh("git add missing.txt && git commit -q -m hidden", clone)
    write(os.path.join(clone, "missing.txt"), "b\n")
    sh("git commit -q -am 'bad2: change missing.txt'", clone)
    sh("git format-patch -q -1 -o %s HEAD~2" % os.path.join(MAILS, "bad2"),
       clone)
    sh("git format-patch -q -1 --start-number 2 -o %s HEAD"
       % os.path.join(MAILS, "bad2"), clone)
    series("buildfail", [("BROKEN", "x\n")])
    series("hangbuild", [("HANGBUILD", "x\n")])
    series("testfail", [("FAILTEST", "test-b\n")])
    series("hang", [("HANG", "x\n")])
    series("newconf", [("configure", "# changed\n")])
    for name in ("BENCH77", "BENCHFAIL", "BADJSON", "NOSUMMARY"):
        series(name.lower(), [(name, "x\n")])
    # An mbox as b4 gives it: the good series, last patch first.
    good = os.path.join(MAILS, "good")
    mails = [open(os.path.join(good, f)).read()
             for f in sorted(os.listdir(good))]
    write(os.path.join(TMP, "b4.mbox"), "".join(reversed(mails)))
    write(os.path.join(TMP, "notmail.txt"), "just some notes\n\nno mail\n")
    os.makedirs(os.path.join(TMP, "empty"))
    write(os.path.join(MAILS, "stacks.txt"),
          "# stacks\ns1: %s\n" % " ".join("good/" + f for f in
                                          sorted(os.listdir(good))))
    write(os.path.join(TMP, "fake-bench"),
          "#!/bin/sh\n" + FAKE_BENCH)
    os.chmod(os.path.join(TMP, "fake-bench"), 0o755)
    write(os.path.join(TMP, "fake-guest-bench.py"), FAKE_GUEST_BENCH)


HOOKS = ["--configure-cmd", "echo configured >> configure.log",
         "--build-cmd", "sh build.sh", "--test-cmd", "sh test.sh",
         "--plot", "svg"]


def lab(*args, out="out"):
    cmd = [sys.executable, LAB, "--repo", REPO, "--series", MAILS,
           "--out", os.path.join(TMP, out)] + list(args)
    proc = subprocess.run(cmd, cwd=TMP, env=ENV, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    return proc.returncode, proc.stdout.decode()


def report(out="out"):
    with open(os.path.join(TMP, out, "report.json")) as f:
        data = json.load(f)
    return {s["name"]: s for s in data["stacks"]}, data


def assert_eq(a, b):
    if a != b:
        raise AssertionError("%r != %r" % (a, b))


def assert_in(a, b):
    if a not in b:
        raise AssertionError("%r not in %r" % (a, b))


def checkout_untouched(head):
    assert_eq(sh("git rev-parse HEAD", REPO).strip(), head)
    assert_eq(sh("git status --porcelain", REPO), "")
    assert_eq(len(sh("git worktree list", REPO).splitlines()), 1)
    assert_eq(sh("git for-each-ref --format='%(refname)'", REPO).split(),
              ["refs/heads/main"])


INPUTS = ["mails/good", "mails/bad2", "notmail.txt", "empty",
          "mails/buildfail", "mails/hangbuild", "mails/testfail",
          "b4.mbox", "s1", "mails/hang", "nosuch", "mails/bench77",
          "mails/benchfail", "mails/badjson", "mails/nosummary"]
first = {}


def run_first():
    first["head"] = sh("git rev-parse HEAD", REPO).strip()
    first["rc"], first["out"] = lab(
        "-n", "6", "--rounds", "2", "--bench", os.path.join(TMP, "fake-bench"),
        "--guest-bench", os.path.join(TMP, "fake-guest-bench.py"),
        "--timeout", "bench=10", "--timeout", "build=10", *(HOOKS + INPUTS))
    first["rows"], first["data"] = report()


def test_applies():
    good = first["rows"]["good"]
    assert_eq((good["applied"], good["total"]), (2, 2))
    assert_eq(good["build"]["status"], "ok")
    t = good["tests"]
    assert_eq((t["passed"], t["failed"], t["skipped"]), (3, 0, 1))
    assert_eq(good["loads"]["idle"]["n"], 6)
    assert_eq(good["loads"]["busy"]["unmap_ns"]["p50"], 600000 + 1000)


def test_second_patch_fails():
    bad = first["rows"]["bad2"]
    assert_eq((bad["applied"], bad["total"]), (1, 2))
    assert_in("0002-bad2-change-missing.txt.patch", bad["failed_patch"])
    assert_in("missing.txt: does not exist in index", bad["reason"])
    # The lab goes on with what applied, and with the next input.
    assert_eq(bad["build"]["status"], "ok")
    with open(os.path.join(TMP, "out", "report.md")) as f:
        assert_in("does not exist in index", f.read())
    assert_in("bad2: applied 1/2", first["out"])


def test_not_a_mail():
    row = first["rows"]["notmail"]
    assert_in("notmail.txt is not a patch mail or an mbox", row["problem"])
    assert_eq(row["build"], None)
    assert_eq(row["loads"], {})


def test_empty_directory():
    row = first["rows"]["empty"]
    assert_in("empty directory", row["problem"])
    assert_eq(row["build"], None)


def test_unknown_input():
    assert_in("no such stack, directory or file",
              first["rows"]["nosuch"]["problem"])


def test_build_fails():
    row = first["rows"]["buildfail"]
    assert_eq((row["applied"], row["total"]), (1, 1))
    assert_in("failed (exit 1: build.sh: error: BROKEN is here)",
              row["build"]["status"])
    assert_eq((row["tests"], row["loads"]), (None, {}))
    table = first["out"].split("\n\n")
    assert_in("buildfail", [line.split()[0] for part in table
                            for line in part.splitlines()
                            if "FAILED" in line])


def test_build_hangs():
    row = first["rows"]["hangbuild"]
    assert_eq(row["build"]["status"], "timeout after 10s")


def test_tests_fail():
    t = first["rows"]["testfail"]["tests"]
    assert_eq((t["passed"], t["failed"], t["skipped"]), (2, 1, 1))
    assert_eq(t["failures"], ["test-b (FAIL)"])
    assert_in("testfail: failing tests: test-b (FAIL)", first["out"])


def test_mbox_and_stack():
    rows = first["rows"]
    for name in ("b4", "s1"):
        assert_eq((rows[name]["applied"], rows[name]["total"]), (2, 2))
    # Same mails on the same base give the same commit, in any order.
    assert_eq(rows["b4"]["commit"], rows["good"]["commit"])
    assert_eq(rows["s1"]["commit"], rows["good"]["commit"])


def test_hung_measurement():
    row = first["rows"]["hang"]
    assert_eq(row["loads"]["idle"]["status"], "ok")
    assert_eq(row["loads"]["busy"]["status"],
              "hung: killed after 10s in round 1")


def test_bench_errors():
    rows = first["rows"]
    for name, status in (
            ("bench77", "no measurement: the bench cannot create the device "
             "(exit 77)"),
            ("benchfail", "bench failed in round 1 (exit 3)"),
            ("badjson", "bad bench output in round 1: unmap_ns is not a "
             "list of 3 non-negative integers")):
        assert_eq(rows[name]["loads"]["idle"]["status"], status)
        assert_eq(rows[name]["loads"]["idle"]["n"], 0)
    assert_in("bench77: no measurement: the bench cannot create",
              first["out"])


def test_guest_column():
    rows = first["rows"]
    good = rows["good"]["guest"]
    # good's stall.txt says 0.3 ms: 300, 301, 302 us in each of 2 rounds.
    assert_eq((good["n"], good["rounds"]), (6, 2))
    assert_eq(good["unmap_us"]["p50"], 301)
    assert_eq(sorted(good["samples"]["unmap_us"]),
              [300, 300, 301, 301, 302, 302])
    assert_eq(rows["bench77"]["guest"]["status"],
              "no measurement: no virtio-gpu-gl-pci (exit 77)")
    assert_eq(rows["benchfail"]["guest"]["status"],
              "failed in round 1 (exit 3)")
    assert_eq(rows["buildfail"]["guest"], None)
    lines = first["out"].splitlines()
    header = [line for line in lines if line.startswith("stack ")][0]
    assert_eq(header.split()[-1], "p50/p99")
    row = [line for line in lines if line.startswith("good ")][0]
    assert_eq(row.split()[-1], "0.301/0.302")
    assert_in("benchfail: guest: failed in round 1 (exit 3)", first["out"])
    with open(os.path.join(TMP, "out", "bench", "good-guest-r1.json")) as f:
        args = json.load(f)["args"]
    assert_eq([os.path.relpath(a, os.path.join(TMP, "out", "trees", "good"))
               for a in args], ["build/qemu-system-x86_64",
                                "build/tests/guest/guest.elf"])


def test_no_test_summary():
    t = first["rows"]["nosummary"]["tests"]
    assert_eq(t["status"], "no meson test summary in the output")
    assert_eq("passed" in t, False)


def test_interleaved():
    with open(ORDER) as f:
        order = [tuple(line.split()) for line in f]
    measured = ["main", "good", "bad2", "testfail", "b4", "s1",
                "hang", "bench77", "benchfail", "badjson", "nosummary"]
    # What failed once is not run again.
    gone = {("hang", "busy")} | {(n, load) for load in ("idle", "busy")
                                 for n in ("bench77", "benchfail", "badjson")}
    want = []
    for rnd in (1, 2):
        for load in ("idle", "busy"):
            want += [(n, load) for n in measured
                     if rnd == 1 or (n, load) not in gone]
    assert_eq(order, want)


def test_why():
    rows = first["rows"]
    main = rows["main"]["loads"]["idle"]
    assert_eq(main["p99_ratio"], 1.0)
    assert_eq(main["why"]["verdict"], "waits for both (none forced)")
    assert_eq(rows["bad2"]["loads"]["idle"]["why"]["verdict"],
              "removes only the first wait")
    good = rows["good"]["loads"]["busy"]
    assert_eq(good["why"]["verdict"], "removes both waits")
    assert_eq(round(good["p99_ratio"], 3), 0.015)


def test_outputs():
    with open(os.path.join(TMP, "out", "report.md")) as f:
        md = f.read()
    for name in first["rows"]:
        assert_in("| %s |" % name, md)
    assert_in("busy: reader threads that behave like TCG vCPUs", md)
    with open(os.path.join(TMP, "out", "unmap-cdf.svg")) as f:
        svg = f.read()
    measured = sum(1 for r in first["rows"].values()
                   for run in r["loads"].values() if run.get("n"))
    assert_eq(svg.count("<polyline"), measured)
    assert_eq(first["rc"], 1)


def test_checkout_untouched():
    checkout_untouched(first["head"])
    assert_eq(os.listdir(os.path.join(TMP, "out", "am")), [])


def test_reuse():
    stall = os.path.join(TMP, "out", "trees", "good", "stall.txt")
    before = os.stat(stall).st_mtime_ns
    rc, out = lab("--bench", os.path.join(TMP, "fake-bench"), "-n", "2",
                  "--rounds", "1", "--load", "idle",
                  *(HOOKS + ["mails/good"]))
    assert_eq(rc, 0)
    assert_in("good: configure: reusing the previous configuration", out)
    assert_in("0 files rewritten", out)
    assert_eq(os.stat(stall).st_mtime_ns, before)
    rows, data = report()
    assert_eq((data["loads"], list(rows["good"]["loads"])), (["idle"],
                                                             ["idle"]))
    with open(os.path.join(TMP, "out", "trees", "good",
                           "configure.log")) as f:
        assert_eq(f.read(), "configured\n")
    # The same tree with a changed configure script is configured again.
    sh("mkdir -p next/good && cp mails/good/* mails/newconf/* next/good/"
       " && mv next/good/0001-newconf* next/good/0003-newconf.patch", TMP)
    rc, out = lab("-n", "1", "--rounds", "1", *(HOOKS + ["next/good"]))
    assert_eq(rc, 0)
    assert_in("good: configure ok", out)
    with open(os.path.join(TMP, "out", "trees", "good",
                           "configure.log")) as f:
        assert_eq(f.read(), "configured\nconfigured\n")


def test_png():
    """With python3-matplotlib the plot can be a PNG."""
    if importlib.util.find_spec("matplotlib") is None:
        return "SKIP python3-matplotlib is not installed for %s" % \
            sys.executable
    hooks = [h for h in HOOKS if h not in ("--plot", "svg")]
    rc, out = lab("--bench", os.path.join(TMP, "fake-bench"), "-n", "2",
                  "--rounds", "1", "--plot", "png", *(hooks + ["mails/good"]),
                  out="out3")
    with open(os.path.join(TMP, "out3", "unmap-cdf.png"), "rb") as f:
        assert_eq(f.read(8), b"\x89PNG\r\n\x1a\n")


def test_interrupt():
    pid_file = os.path.join(TMP, "out2", "trees", "main", "build.pid")
    cmd = [sys.executable, LAB, "--repo", REPO, "--series", MAILS,
           "--out", os.path.join(TMP, "out2"),
           "--build-cmd", "echo $$ > build.pid; exec sleep 30",
           "--configure-cmd", "true", "mails/good"]
    proc = subprocess.Popen(cmd, cwd=TMP, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while not os.path.exists(pid_file) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out = proc.communicate(timeout=20)[0].decode()
    assert_eq(proc.returncode, 130)
    assert_in("interrupted", out)
    with open(pid_file) as f:
        pid = int(f.read())
    try:
        os.kill(pid, 0)
        raise AssertionError("the build (pid %d) is still running" % pid)
    except ProcessLookupError:
        pass
    checkout_untouched(first["head"])


def test_leftover_and_default():
    stale = os.path.join(TMP, "out2", "am", "stale")
    sh("git worktree add -q --detach %s" % stale, REPO)
    empty_series = os.path.join(TMP, "empty")
    cmd = [sys.executable, LAB, "--repo", REPO, "--series", empty_series,
           "--out", os.path.join(TMP, "out2"), "--quick"] + HOOKS
    proc = subprocess.run(cmd, cwd=TMP, env=ENV, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    out = proc.stdout.decode()
    assert_in("measuring main alone", out)
    assert_eq(os.path.exists(stale), False)
    checkout_untouched(first["head"])
    rows, data = report("out2")
    assert_eq(list(rows), ["main"])
    assert_eq(data["n"], 40)
    assert_in("no measurement: no build/tests/bench/virtio-gpu-unmap-bench",
              rows["main"]["loads"]["idle"]["status"])


def test_locked():
    """Two labs never share an output directory."""
    os.makedirs(os.path.join(TMP, "out2"), exist_ok=True)
    with open(os.path.join(TMP, "out2", "lock"), "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        rc, out = lab(*HOOKS, out="out2")
    assert_eq(rc, 1)
    assert_in("another series-lab is using", out)


def test_clean():
    rc, out = lab("--clean", out="out2")
    assert_eq(rc, 0)
    assert_eq(os.path.exists(os.path.join(TMP, "out2")), False)


CASES = [
    ("/lab/apply/ok", test_applies),
    ("/lab/apply/second-patch-fails", test_second_patch_fails),
    ("/lab/input/not-a-mail", test_not_a_mail),
    ("/lab/input/empty-directory", test_empty_directory),
    ("/lab/input/unknown", test_unknown_input),
    ("/lab/input/mbox-and-stack", test_mbox_and_stack),
    ("/lab/build/fails", test_build_fails),
    ("/lab/build/timeout", test_build_hangs),
    ("/lab/tests/fail", test_tests_fail),
    ("/lab/measure/hung", test_hung_measurement),
    ("/lab/measure/errors", test_bench_errors),
    ("/lab/measure/guest", test_guest_column),
    ("/lab/tests/no-summary", test_no_test_summary),
    ("/lab/measure/interleaved", test_interleaved),
    ("/lab/measure/why", test_why),
    ("/lab/report/outputs", test_outputs),
    ("/lab/checkout/untouched", test_checkout_untouched),
    ("/lab/reuse", test_reuse),
    ("/lab/report/png", test_png),
    ("/lab/interrupt", test_interrupt),
    ("/lab/leftover-and-default", test_leftover_and_default),
    ("/lab/locked", test_locked),
    ("/lab/clean", test_clean),
]


def main():
    print("1..%d" % len(CASES))
    failed = 0
    try:
        setup()
        run_first()
    except Exception:
        for line in traceback.format_exc().splitlines():
            print("# " + line)
        for i, (name, _) in enumerate(CASES):
            print("not ok %d %s # set-up failed" % (i + 1, name))
        return 1
    for i, (name, fn) in enumerate(CASES):
        try:
            skip = fn()
            print("ok %d %s%s" % (i + 1, name, " # " + skip if skip else ""))
        except Exception:
            failed += 1
            print("not ok %d %s" % (i + 1, name))
            for line in traceback.format_exc().splitlines():
                print("# " + line)
    if failed:
        print("# kept %s for a look" % TMP)
        print("# lab output:\n" + "\n".join("# " + line for line in
                                            first["out"].splitlines()))
    else:
        sh("rm -rf %s" % TMP)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
