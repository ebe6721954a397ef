#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# guest-unmap-bench: how long a blob unmap takes as a guest sees it.
#
# Boots the test guest (tests/guest/) under -accel tcg with
# virtio-gpu-gl-pci,blob=on: it maps and unmaps N HOST3D blobs through
# the hostmem BAR and times, with the TSC calibrated against the PIT,
# each UNMAP_BLOB from its notify to its response and the command after
# it (GET_DISPLAY_INFO).  Its tcg vCPU is the RCU reader that makes the
# grace period, and so the unmap, slow: nothing else loads the machine.
#
#   guest-unmap-bench.py [-n N] [-r RUNS] [--json FILE] QEMU KERNEL
#
# Prints the percentiles; --json writes {"accel": "tcg", "n": N,
# "unmap_us": [...], "next_cmd_us": [...]} (every sample, all runs).
# Exit status 77 when the emulator has no virtio-gpu-gl-pci.

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import time

# The host-load accounting of the RCU benchmark driver, shared.
_spec = importlib.util.spec_from_file_location(
    "rcu_bench", os.path.join(os.path.dirname(__file__), "rcu-bench.py"))
rcu_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rcu_bench)

SKIP = 77
LINE = re.compile(r"^blob (\d+) unmap-us (\d+) next-cmd-us (\d+)$")


def percentile(values, pct):
    """Nearest-rank percentile, as the guest and bench-common.h."""
    v = sorted(values)
    rank = max(1, -(-pct * len(v) // 100))
    return v[rank - 1]


def run_guest(qemu, kernel, n):
    cmd = [qemu, "-M", "q35", "-accel", "tcg", "-display", "none",
           "-nodefaults", "-serial", "stdio", "-kernel", kernel,
           "-append", "blobs=%d bench" % n,
           "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
           "-device", "virtio-gpu-gl-pci,blob=on,hostmem=64M"]
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=120 + n)
    unmap, nxt = [], []
    for line in proc.stdout.splitlines():
        if line.startswith("not ok"):
            sys.exit("guest-unmap-bench: the guest failed: %s" % line)
        m = LINE.match(line)
        if m:
            unmap.append(int(m.group(2)))
            nxt.append(int(m.group(3)))
    # isa-debug-exit: 0 written (all checks passed) is status 1.
    if proc.returncode != 1 or len(unmap) != n:
        sys.exit("guest-unmap-bench: exit status %d, %d of %d samples; "
                 "stderr: %s" % (proc.returncode, len(unmap), n,
                                 proc.stderr.strip()))
    return unmap, nxt


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=100, help="blobs per run")
    ap.add_argument("-r", "--runs", type=int, default=1)
    ap.add_argument("--json", help="write every sample to this file")
    ap.add_argument("qemu")
    ap.add_argument("kernel")
    args = ap.parse_args()

    devices = subprocess.run([args.qemu, "-device", "help"],
                             stdout=subprocess.PIPE, text=True).stdout
    if '"virtio-gpu-gl-pci"' not in devices:
        print("guest-unmap-bench: %s has no virtio-gpu-gl-pci, skipped"
              % args.qemu)
        return SKIP

    unmap, nxt = [], []
    start = time.monotonic()
    host0 = rcu_bench.busy_cpu_seconds()
    own0 = rcu_bench.children_cpu_seconds()
    for _ in range(args.runs):
        u, c = run_guest(args.qemu, args.kernel, args.n)
        unmap += u
        nxt += c
    elapsed = time.monotonic() - start

    print("# in-guest blob unmap under -accel tcg: %d runs of %d blobs, "
          "microseconds" % (args.runs, args.n))
    if host0 is not None:
        # Other processes competing for the CPUs make the figures noisy.
        others = max(0.0, (rcu_bench.busy_cpu_seconds() - host0) -
                     (rcu_bench.children_cpu_seconds() - own0))
        print("# ran in %.1f s, other processes used %.1f CPU-s%s" % (
            elapsed, others, " (under load)"
            if others / elapsed > rcu_bench.BUSY_SHARE else ""))
    print("%-24s %10s %10s %10s" % ("metric", "p50", "p99", "max"))
    for name, v in (("unmap_us", unmap), ("next_cmd_us", nxt)):
        print("%-24s %10d %10d %10d" % (name, percentile(v, 50),
                                        percentile(v, 99), max(v)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"accel": "tcg", "n": len(unmap), "unmap_us": unmap,
                       "next_cmd_us": nxt}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
