#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Instruction counts per operation, under valgrind --tool=callgrind: the
# benchmark figures that do not depend on how busy the machine is.  Each
# workload runs twice, with N operations and with a smaller count (the
# same set-up, fewer operations), and the figure is the difference of the
# two instruction totals divided by the difference of the counts, so that
# start-up and set-up cancel out.  Runs with the same command line are
# counted once (the set-up-only run of virtio-gpu-bench is the same for
# every operation).
#
#   --rcu BENCH [BENCH]      bench-rcu (and bench-urcu) -c PAIRS: an empty
#                            rcu_read_lock()/rcu_read_unlock() pair
#   --gpu BENCH EMULATOR...  virtio-gpu-bench --count OP, counted in the
#                            emulator (every thread): qtest messages, PCI
#                            config accesses and virtio-gpu 2D commands
#   --unmap BENCH EMULATOR   virtio-gpu-unmap-bench -n N: one blob map and
#                            unmap (skipped if BENCH exits 77)
#
# With two emulators (ours first) or two RCU binaries the table has a
# ratio column (first / second).  Registered by tests/bench/meson.build
# as the "icount" benchmark ("make bench-icount").

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile

# (operation, N, smaller count).  N is chosen so that the operations
# outweigh the run-to-run differences of the rest (timers firing while
# valgrind runs: up to a million instructions) by 40x or more.
RCU_OPS = [("read_pair", 1000000, 0)]
GPU_OPS = [
    ("readl", 5000, 0),
    ("pci_cfg_read", 2500, 0),
    ("display_info", 250, 0),
    ("flush_1x1", 250, 0),
    ("frame_1080p", 40, 0),
]
UNMAP_OPS = [("map_unmap", 40, 8)]


def callgrind_total(outdir):
    """Sum of the instruction totals of every callgrind file in outdir."""
    total = 0
    for path in glob.glob(os.path.join(outdir, "callgrind.out.*")):
        with open(path) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    total += int(line.split()[1])
                    break
    return total


def valgrind_cmd(valgrind, outdir):
    return [valgrind, "--tool=callgrind", "--quiet",
            "--callgrind-out-file=%s/callgrind.out.%%p" % outdir]


_counted = {}


def count(valgrind, argv, wrap_emulator=None):
    """Instructions of one run and its stdout, or (None, reason)."""
    key = (tuple(argv), wrap_emulator)
    if key not in _counted:
        _counted[key] = count_once(valgrind, argv, wrap_emulator)
    return _counted[key]


def count_once(valgrind, argv, wrap_emulator):
    outdir = tempfile.mkdtemp(prefix="icount-")
    try:
        env = dict(os.environ)
        cmd = argv
        if wrap_emulator:
            # libqtest runs the emulator behind $QTEST_QEMU_WRAPPER.
            env["QTEST_QEMU_BINARY"] = wrap_emulator
            env["QTEST_QEMU_WRAPPER"] = " ".join(valgrind_cmd(valgrind,
                                                              outdir))
        else:
            cmd = valgrind_cmd(valgrind, outdir) + argv
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE,
                              universal_newlines=True, check=False)
        if proc.returncode == 77:
            return None, "skipped (exit 77)"
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr[-2000:])
            sys.exit("%s failed with exit status %d" %
                     (" ".join(argv), proc.returncode))
        return callgrind_total(outdir), proc.stdout
    finally:
        shutil.rmtree(outdir, ignore_errors=True)


def per_op(valgrind, argv_for, n, n0, wrap_emulator=None):
    """(instructions per op, stdout of the N run), or (None, reason)."""
    hi, out = count(valgrind, argv_for(n), wrap_emulator)
    if hi is None:
        return None, out
    lo, _ = count(valgrind, argv_for(n0), wrap_emulator)
    return (hi - lo) / (n - n0), out


def label(binary):
    """'ours', 'qemu X.Y.Z' or the path, from BINARY -version."""
    try:
        out = subprocess.run([binary, "-version"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL,
                             universal_newlines=True, check=False).stdout
    except OSError:
        return binary
    if "qemu-lab" in out:
        return "ours"
    prefix = "QEMU emulator version "
    if out.startswith(prefix):
        return "qemu " + out[len(prefix):].split()[0]
    return binary


def polls(stdout):
    for line in stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[:2] == ["gpu", "polls"]:
            return int(f[2])
    return None


def fmt(v):
    if v is None:
        return "-"
    return "%.1f" % v if v < 100 else "{:,.0f}".format(v)


def print_table(title, header, rows, ratio=True):
    print("# " + title)
    if ratio and len(header) == 3:
        header = header + ["ratio"]
        rows = [r + ["%.3g" % (r[1] / r[2]) if r[1] and r[2] else "-"]
                for r in rows]
    cells = [header] + [[r[0]] + [c if isinstance(c, str) else fmt(c)
                                  for c in r[1:]] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for i, row in enumerate(cells):
        out = [row[0].ljust(widths[0])]
        out += [row[c].rjust(widths[c]) for c in range(1, len(row))]
        print("| " + " | ".join(out) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print()


def main():
    parser = argparse.ArgumentParser(
        description="Instructions per operation, under callgrind")
    parser.add_argument("--valgrind", default="valgrind")
    parser.add_argument("--rcu", nargs="+", metavar="BENCH")
    parser.add_argument("--gpu", nargs="+", metavar="ARG",
                        help="virtio-gpu-bench, then the emulators")
    parser.add_argument("--unmap", nargs=2, metavar=("BENCH", "EMULATOR"))
    args = parser.parse_args()

    if not shutil.which(args.valgrind):
        print("# valgrind not found (Debian package valgrind): skipped")
        return 77

    if args.rcu:
        names = ["qemu" if "urcu" not in os.path.basename(b) else "liburcu"
                 for b in args.rcu]
        rows = []
        for op, n, n0 in RCU_OPS:
            row = [op]
            for b in args.rcu:
                v, _ = per_op(args.valgrind,
                              lambda k, b=b: [b, "-c", str(k)], n, n0)
                row.append(v)
            rows.append(row)
        print_table("RCU: instructions per empty read-side critical section",
                    ["operation"] + names, rows)

    if args.gpu:
        bench, emulators = args.gpu[0], args.gpu[1:]
        emulators = [e for e in emulators if os.access(e, os.X_OK)]
        names = [label(e) for e in emulators]
        rows = []
        poll_rows = []
        for op, n, n0 in GPU_OPS:
            row, prow = [op], [op]
            for e in emulators:
                # With -n 0 the set-up is the same whatever the operation:
                # name one, so that it is counted once per emulator.
                v, out = per_op(args.valgrind,
                                lambda k, op=op: [bench, "--count",
                                                  op if k else GPU_OPS[0][0],
                                                  "-n", str(k)],
                                n, n0, wrap_emulator=e)
                row.append(v)
                p = polls(out) if v is not None else None
                prow.append("%.2f" % (p / n) if p is not None else "-")
            rows.append(row)
            poll_rows.append(prow)
        for e, name in zip(emulators, names):
            print("# %s: %s" % (name, e))
        print_table("qtest, PCI and virtio-gpu 2D: instructions per "
                    "operation in the emulator, all threads",
                    ["operation"] + names, rows)
        print_table("used-ring polls per operation (each one a qtest "
                    "readw; they depend on timing)",
                    ["operation"] + names, poll_rows, ratio=False)

    if args.unmap:
        rows = []
        for op, n, n0 in UNMAP_OPS:
            v, out = per_op(args.valgrind,
                            lambda k: [args.unmap[0], "-n", str(k)], n, n0,
                            wrap_emulator=args.unmap[1])
            rows.append([op, v if v is not None else out])
        print_table("virtio-gpu blobs: instructions per map and unmap in "
                    "the emulator, all threads", ["operation", "ours"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
