#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# One virtio-gpu blob unmap, step by step, with 1, 64 and 1024 other blobs
# mapped: wall time per step from the trace events that
# virtio-gpu-unmap-steps reads back (median of CYCLES unmaps, marked * when
# other processes took CPU meanwhile), and, under callgrind, the calls per
# map/unmap cycle and instructions per call (inclusive) of the functions
# that make up each step: two runs with different numbers of cycles, the
# difference over the difference of cycles, so that set-up cancels out.
# Each trace line costs a write on the path: the whole unmap is timed
# again with only its ends traced, and the difference is three lines.
#
#   unmap-steps.py [--valgrind V] [--blobs 1,64,1024] [--cycles N]
#                  [--poll-us US] [--icount-cycles LO,HI] STEPS EMULATOR
#
# Meant for a patched stack (v4 forces RCU on unmap): see
# docs/devel/benchmarks.md.  Exits 77 if the emulator has no
# virtio-gpu-gl-pci.

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

# Wall-time steps, as virtio-gpu-unmap-steps numbers them.
WALL_STEPS = [
    ("step1_us", "1. disable, remove, unparent the region; force RCU"),
    ("step2_us", "2. grace period: old maps freed, region finalised"),
    ("step3_us", "3. bottom half scheduled until it runs"),
    ("step4_us", "4. command processed again"),
    ("step5_us", "5. virglrenderer unmap, response, notification"),
]

# The functions that make up the steps, in the order they run: (step,
# function).  Static functions that the compiler inlined have no entry of
# their own (flatview_update() is in address_space_set_flatview()).
FUNCTIONS = [
    ("0-5", "virtio_gpu_virgl_process_cmd"),
    ("1", "virtio_gpu_virgl_unmap_resource_blob"),
    ("1", "memory_region_set_enabled"),
    ("1", "memory_region_del_subregion"),
    ("1", "memory_region_transaction_commit"),
    ("1", "address_space_set_flatview"),
    ("1", "address_space_update_topology_pass"),
    ("1", "object_unparent"),
    ("1", "force_rcu"),
    ("1-2", "call_rcu1"),
    ("2", "flatview_destroy"),
    ("2", "virtio_gpu_virgl_hostmem_region_free"),
    ("3", "virtio_gpu_virgl_resume_cmdq_bh"),
    ("5", "virgl_renderer_resource_unmap"),
    ("5", "virtio_gpu_ctrl_response"),
    ("5", "virtio_notify"),
]


def run_steps(binary, emulator, blobs, cycles, trace=None, wrapper=None,
              poll_us=0, ends=False):
    env = dict(os.environ, QTEST_QEMU_BINARY=emulator)
    if wrapper:
        env["QTEST_QEMU_WRAPPER"] = wrapper
    argv = [binary, "-b", str(blobs), "-n", str(cycles), "-p", str(poll_us)]
    if trace:
        argv += ["-t", trace]
    if ends:
        argv += ["-e"]
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          check=False)
    if proc.returncode == 77:
        print("# %s has no virtio-gpu-gl-pci: skipped" % emulator)
        sys.exit(77)
    if proc.returncode:
        sys.stderr.write(proc.stderr[-2000:])
        sys.exit("%s failed with exit status %d" % (" ".join(argv),
                                                    proc.returncode))
    out = {}
    for line in proc.stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[0] == "steps":
            out[f[1]] = float(f[2])
    return out


def parse_callgrind(path, calls, incl):
    """Add each function's calls and inclusive Ir in one callgrind file."""
    names = {}
    npos = 1
    cfn = None
    pending = 0

    def name(spec):
        # "(id) name" defines a compressed name, "(id)" refers to it.
        spec = spec.strip()
        if spec.startswith("("):
            ident, _, rest = spec.partition(")")
            if rest.strip():
                names[ident] = rest.strip()
            return names.get(ident, spec)
        return spec

    with open(path) as f:
        for line in f:
            if line.startswith("positions:"):
                npos = len(line.split()) - 1
            elif line.startswith("fn="):
                name(line[3:])
            elif line.startswith("cfn="):
                cfn = name(line[4:])
            elif line.startswith("calls="):
                pending = int(line[6:].split()[0])
            elif pending and line[:1] in "0123456789+-*":
                f_ = line.split()
                ir = int(f_[npos]) if len(f_) > npos else 0
                calls[cfn] = calls.get(cfn, 0) + pending
                incl[cfn] = incl.get(cfn, 0) + ir
                pending = 0


def count(valgrind, binary, emulator, blobs, cycles, poll_us):
    """({fn: calls}, {fn: inclusive Ir}) of one callgrind run."""
    outdir = tempfile.mkdtemp(prefix="unmap-steps-")
    try:
        run_steps(binary, emulator, blobs, cycles, poll_us=poll_us,
                  wrapper="%s --tool=callgrind --quiet "
                  "--callgrind-out-file=%s/cg.%%p" % (valgrind, outdir))
        calls, incl = {}, {}
        for name in os.listdir(outdir):
            parse_callgrind(os.path.join(outdir, name), calls, incl)
        return calls, incl
    finally:
        shutil.rmtree(outdir, ignore_errors=True)


def fmt(v):
    return "%.1f" % v if abs(v) < 100 else "{:,.0f}".format(v)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--valgrind", default="valgrind")
    parser.add_argument("--blobs", default="1,64,1024")
    parser.add_argument("--cycles", type=int, default=50,
                        help="unmaps timed per blob count")
    parser.add_argument("--poll-us", type=int, default=100,
                        help="client poll interval for the timed unmaps "
                        "(0: back to back)")
    parser.add_argument("--icount-cycles", default="20,60",
                        help="the two cycle counts counted under callgrind")
    parser.add_argument("binary")
    parser.add_argument("emulator")
    args = parser.parse_args()
    counts = [int(b) for b in args.blobs.split(",")]
    lo, hi = [int(c) for c in args.icount_cycles.split(",")]

    wall = {}
    for b in counts:
        with tempfile.NamedTemporaryFile(prefix="unmap-trace-") as t:
            wall[b] = run_steps(args.binary, args.emulator, b, args.cycles,
                                trace=t.name, poll_us=args.poll_us)
        # The same with only the ends traced: 3 trace lines fewer.
        with tempfile.NamedTemporaryFile(prefix="unmap-trace-") as t:
            ends = run_steps(args.binary, args.emulator, b, args.cycles,
                             trace=t.name, poll_us=args.poll_us, ends=True)
        if "total_us" in ends:
            wall[b]["ends_total_us"] = ends["total_us"]
            wall[b]["loaded"] = wall[b].get("loaded") or ends.get("loaded")

    header = "| step | " + " | ".join("%d blobs" % b for b in counts) + " |"
    rule = "|---|" + "---:|" * len(counts)
    print("# wall time, median of %d unmaps, us, client polling every "
          "%d us; * = taken while other processes used CPU (bench-load.h)" %
          (args.cycles, args.poll_us))
    for b in counts:
        print("# %d blobs: other processes used %.1f CPU-s in %.1f s" %
              (b, wall[b].get("others_cpu_s", 0), wall[b].get("wall_s", 0)))
    print(header)
    print(rule)
    for key, label in WALL_STEPS + [("total_us", "1-5, the whole unmap "
                                     "(5 trace lines on the path)"),
                                    ("ends_total_us", "1-5, only its ends "
                                     "traced (2 lines)"),
                                    ("unmap_us",
                                     "doorbell to response seen (client)"),
                                    ("map_us", "a whole MAP_BLOB round trip "
                                     "(client)")]:
        print("| %s | %s |" % (label, " | ".join(
            ("%.1f%s" % (wall[b][key], "*" if wall[b].get("loaded") else ""))
            if key in wall[b] else "-" for b in counts)))
    print()

    if not shutil.which(args.valgrind):
        print("# valgrind not found: no instruction counts")
        return 0
    print("# calls per map/unmap cycle, and instructions per call "
          "(inclusive) of each function, callgrind: "
          "(Ir(%d cycles) - Ir(%d)) / %d" % (hi, lo, hi - lo))
    res = {}
    for b in counts:
        res[b] = (count(args.valgrind, args.binary, args.emulator, b, lo,
                        args.poll_us),
                  count(args.valgrind, args.binary, args.emulator, b, hi,
                        args.poll_us))
    print("| step | function | calls per cycle | " +
          " | ".join("Ir per call, %d blobs" % b for b in counts) + " |")
    print("|---|---|---:|" + "---:|" * len(counts))
    for step, fn in FUNCTIONS:
        cells, ncalls = [], set()
        for b in counts:
            (c_lo, i_lo), (c_hi, i_hi) = res[b]
            dc = c_hi.get(fn, 0) - c_lo.get(fn, 0)
            di = i_hi.get(fn, 0) - i_lo.get(fn, 0)
            ncalls.add(dc / (hi - lo))
            cells.append(fmt(di / dc) if dc > 0 else "-")
        print("| %s | %s | %s | %s |" % (
            step, fn, "/".join(fmt(c) for c in sorted(ncalls)),
            " | ".join(cells)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
