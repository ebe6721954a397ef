#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Driver for the RCU benchmarks: runs bench-rcu (QEMU's RCU) and, if
# given, bench-urcu (liburcu), one after the other, and prints one table
# "metric | qemu | liburcu | ratio" (ratio = qemu / liburcu).  Each binary
# prints "PREFIX METRIC VALUE" lines; '#' lines are comments.  A column
# with a run during which other processes used more than BUSY_SHARE of a
# CPU is marked '*' (as tests/bench/bench-load.h does for the C
# benchmarks).  Registered by tests/bench/meson.build as the "rcu"
# benchmark.

import argparse
import os
import statistics
import subprocess
import sys
import time

# Same threshold as BENCH_LOAD_BUSY_SHARE in bench-load.h.
BUSY_SHARE = 0.05


def busy_cpu_seconds():
    """CPU time used by the whole host so far, or None if unknown."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
    except OSError:
        return None
    # user nice system idle iowait irq softirq steal ...
    ticks = sum(int(x) for x in fields[1:])
    idle = int(fields[4]) + int(fields[5])
    return (ticks - idle) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds():
    t = os.times()
    return t.children_user + t.children_system


def run(exe, extra):
    start = time.monotonic()
    host0, own0 = busy_cpu_seconds(), children_cpu_seconds()
    proc = subprocess.run([exe] + extra, stdout=subprocess.PIPE,
                          universal_newlines=True, check=False)
    host1, own1 = busy_cpu_seconds(), children_cpu_seconds()
    elapsed = time.monotonic() - start
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout)
        sys.exit("%s failed with exit status %d" % (exe, proc.returncode))
    figures = {}
    comments = []
    for line in proc.stdout.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            comments.append(line)
            continue
        fields = line.split()
        if len(fields) != 3:
            sys.exit("%s: malformed line %r" % (exe, line))
        figures[fields[1]] = float(fields[2])
    note = ""
    busy = False
    if host0 is not None:
        # Other processes competing for the CPUs make the figures noisy.
        others = max(0.0, (host1 - host0) - (own1 - own0))
        busy = elapsed > 0 and others / elapsed > BUSY_SHARE
        note = ", other processes used %.1f CPU-s%s" % (
            others, " (under load)" if busy else "")
    comments.append("# %s ran in %.1f s%s" % (exe, elapsed, note))
    return figures, comments, busy


def median(runs):
    out = {}
    for name in runs[0] if runs else []:
        out[name] = statistics.median(r[name] for r in runs if name in r)
    return out


def fmt(value, busy):
    if value is None:
        return "-"
    text = "%.2f" % value if value < 100 else "%.0f" % value
    return text + ("*" if busy else "")


def main():
    parser = argparse.ArgumentParser(
        description="Compare QEMU RCU with liburcu")
    parser.add_argument("-n", "--samples", type=int,
                        help="latency samples per series")
    parser.add_argument("-t", "--read-ms", type=int,
                        help="duration of each read-side run (ms)")
    parser.add_argument("-r", "--runs", type=int, default=1,
                        help="run each binary RUNS times, alternating, and "
                        "print the median of each figure")
    parser.add_argument("qemu_exe")
    parser.add_argument("urcu_exe", nargs="?")
    args = parser.parse_args()

    extra = []
    if args.samples:
        extra += ["-n", str(args.samples)]
    if args.read_ms:
        extra += ["-t", str(args.read_ms)]

    qemu_runs, urcu_runs, comments = [], [], []
    qemu_busy = urcu_busy = False
    for _ in range(args.runs):
        figures, more, busy = run(args.qemu_exe, extra)
        qemu_runs.append(figures)
        qemu_busy |= busy
        comments += more
        if args.urcu_exe:
            figures, more, busy = run(args.urcu_exe, extra)
            urcu_runs.append(figures)
            urcu_busy |= busy
            comments += more
    if not args.urcu_exe:
        comments.append("# liburcu not found: no bench-urcu")
    if args.runs > 1:
        comments.append("# median of %d runs per figure" % args.runs)
    qemu = median(qemu_runs)
    urcu = median(urcu_runs)

    for line in comments:
        print(line)

    names = list(qemu) + [m for m in urcu if m not in qemu]
    rows = [("metric", "qemu", "liburcu", "ratio")]
    for name in names:
        q = qemu.get(name)
        u = urcu.get(name)
        ratio = "-"
        if q is not None and u:
            ratio = "%.3g" % (q / u)
        rows.append((name, fmt(q, qemu_busy), fmt(u, urcu_busy), ratio))

    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for i, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [row[c].rjust(widths[c]) for c in range(1, 4)]
        print("| " + " | ".join(cells) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    if qemu_busy or urcu_busy:
        print("# *: measured under load: other processes used more than "
              "%.0f%% of a CPU during a run" % (BUSY_SHARE * 100))
    return 0


if __name__ == "__main__":
    sys.exit(main())
