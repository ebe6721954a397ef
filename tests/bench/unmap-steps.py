#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# One virtio-gpu blob unmap, step by step, with 1, 64 and 1024 other blobs
# mapped: wall time per step from the trace events that
# virtio-gpu-unmap-steps reads back (median of CYCLES unmaps), and the
# emulator's instructions per unmap in the functions that make up each
# step, under callgrind (two runs with different numbers of map/unmap
# cycles; the difference over the difference of cycles).
#
#   unmap-steps.py [--valgrind V] [--blobs 1,64,1024] STEPS_BINARY EMULATOR
#
# Meant for a patched stack (v4 forces RCU on unmap): see
# docs/devel/benchmarks.md.  Exits 77 if the emulator has no
# virtio-gpu-gl-pci.

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Wall-time steps, as virtio-gpu-unmap-steps numbers them.
WALL_STEPS = [
    ("step1_us", "disable, remove, unparent the region; force RCU"),
    ("step2_us", "grace period, old maps freed, region finalised"),
    ("step3_us", "bottom half scheduled until it runs"),
    ("step4_us", "command processed again"),
    ("step5_us", "virglrenderer unmap, response, notification"),
]

# (label, function, calls per map/unmap cycle that belong to the unmap)
# Inclusive instructions per cycle are divided by the second number when
# the function also runs for the map (one commit and one response each).
FUNCTIONS = [
    ("1. virtio_gpu_virgl_unmap_resource_blob (both passes)",
     "virtio_gpu_virgl_unmap_resource_blob", 1),
    ("   memory_region_set_enabled (one commit)",
     "memory_region_set_enabled", 1),
    ("   memory_region_transaction_commit, per commit",
     "memory_region_transaction_commit", 2),
    ("   memory_region_del_subregion", "memory_region_del_subregion", 1),
    ("   object_unparent", "object_unparent", 1),
    ("   force_rcu", "force_rcu", 1),
    ("2. call_rcu_thread, per commit's batch", "call_rcu_thread", 2),
    ("   flatview_destroy, per commit", "flatview_destroy", 2),
    ("   virtio_gpu_virgl_hostmem_region_free",
     "virtio_gpu_virgl_hostmem_region_free", 1),
    ("3-5. virtio_gpu_virgl_resume_cmdq_bh",
     "virtio_gpu_virgl_resume_cmdq_bh", 1),
    ("   virgl_renderer_resource_unmap (virglrenderer)",
     "virgl_renderer_resource_unmap", 1),
    ("   virtio_gpu_ctrl_response, per response",
     "virtio_gpu_ctrl_response", 2),
]


def run_steps(binary, emulator, blobs, cycles, trace=None, wrapper=None):
    env = dict(os.environ, QTEST_QEMU_BINARY=emulator)
    if wrapper:
        env["QTEST_QEMU_WRAPPER"] = wrapper
    argv = [binary, "-b", str(blobs), "-n", str(cycles)]
    if trace:
        argv += ["-t", trace]
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


def inclusive(valgrind, binary, emulator, blobs, cycles):
    """Inclusive instructions per function name, of one callgrind run."""
    outdir = tempfile.mkdtemp(prefix="unmap-steps-")
    try:
        run_steps(binary, emulator, blobs, cycles,
                  wrapper="%s --tool=callgrind --quiet "
                  "--callgrind-out-file=%s/cg.%%p" % (valgrind, outdir))
        annotate = shutil.which("callgrind_annotate") or "callgrind_annotate"
        costs = {}
        for name in os.listdir(outdir):
            text = subprocess.run([annotate, "--inclusive=yes",
                                   "--threshold=100",
                                   os.path.join(outdir, name)],
                                  stdout=subprocess.PIPE,
                                  universal_newlines=True,
                                  check=True).stdout
            for line in text.splitlines():
                m = re.match(r"\s*([\d,]+) \([^)]*\)\s+\S*:([\w.]+)"
                             r"(?:'\d+)? \[", line)
                if m:
                    fn = m.group(2)
                    costs[fn] = max(costs.get(fn, 0),
                                    int(m.group(1).replace(",", "")))
        return costs
    finally:
        shutil.rmtree(outdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--valgrind", default="valgrind")
    parser.add_argument("--blobs", default="1,64,1024")
    parser.add_argument("--cycles", type=int, default=50,
                        help="unmaps timed per blob count")
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
                                trace=t.name)

    header = "| step | " + " | ".join("%d blobs" % b for b in counts) + " |"
    rule = "|---|" + "---:|" * len(counts)
    print("# wall time, median of %d unmaps, us" % args.cycles)
    print(header)
    print(rule)
    for key, label in WALL_STEPS + [("unmap_us",
                                     "doorbell to response seen (client)")]:
        print("| %s | %s |" % (label, " | ".join(
            "%.1f" % wall[b][key] if key in wall[b] else "-"
            for b in counts)))
    print()

    if not shutil.which(args.valgrind):
        print("# valgrind not found: no instruction counts")
        return 0
    per = {}
    for b in counts:
        c_lo = inclusive(args.valgrind, args.binary, args.emulator, b, lo)
        c_hi = inclusive(args.valgrind, args.binary, args.emulator, b, hi)
        per[b] = {fn: (c_hi.get(fn, 0) - c_lo.get(fn, 0)) / (hi - lo)
                  for fn in set(c_hi) | set(c_lo)}
    print("# instructions per unmap (callgrind, (Ir(%d cycles) - "
          "Ir(%d)) / %d)" % (hi, lo, hi - lo))
    print(header)
    print(rule)
    for label, fn, div in FUNCTIONS:
        print("| %s | %s |" % (label, " | ".join(
            "{:,.0f}".format(per[b].get(fn, 0) / div) for b in counts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
