#!/usr/bin/env bash
# Synthesize, place and route every top (or the tops named in TOPS) on every
# target (or TARGETS) with the project's YoWASP toolchain and write the table
# constraints/synth-results.md from the synth.json files. Long: the
# accelerator tops take tens of minutes each on the ECP5 on 2 cores; run it
# niced, e.g.
#   TOPS="pulse_gen arbiter" TARGETS=ecp5 nice bash scripts/synth-all.sh
# Misses of the 100 MHz clock are recorded, not fatal (--allow-timing-fail).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
cargo build --release -p neuroxbar >/dev/null
UNIT="pulse_gen arbiter refresh xbar_ctrl input_encoder25 stdp bcm wide_acc"
ACCEL="accel_25x5 accel_81x4 lif_wta16"
TOPS="${TOPS:-$UNIT $ACCEL}"
TARGETS="${TARGETS:-ecp5 ice40-hx8k ice40-up5k xc7}"
FREQ_MHZ="${FREQ_MHZ:-100}"
ROOT="out/synth-all"
mkdir -p "$ROOT"
for top in $TOPS; do
  for target in $TARGETS; do
    dir="$ROOT/$top-$target"
    echo "== $top on $target" >&2
    start=$(date +%s)
    # no place and route for the Artix-7: no clock to meet there
    freq=(--freq-mhz "$FREQ_MHZ")
    [ "$target" = xc7 ] && freq=()
    if target/release/neuroxbar synth --target "$target" --top "$top" \
         "${freq[@]}" --allow-timing-fail --out "$dir" > "$ROOT/$top-$target.txt" 2>&1; then
      echo "$(( $(date +%s) - start ))" > "$dir/wall_s"
    else
      echo "   failed: $ROOT/$top-$target.txt" >&2
    fi
  done
done
.venv/bin/python3 - "$ROOT" <<'PY'
import json, os, sys, glob
root = sys.argv[1]
rows = []
for f in sorted(glob.glob(os.path.join(root, "*", "synth.json"))):
    j = json.load(open(f))
    d = os.path.dirname(f)
    wall = open(os.path.join(d, "wall_s")).read().strip() if os.path.exists(os.path.join(d, "wall_s")) else "?"
    r = j["resources"]
    cp = j.get("critical_path") or {}
    fmax = j["fmax_mhz"]
    fm = "n/a" if fmax is None else f"{fmax:.1f}" + (" ✓" if j["meets_timing"] else " ✗")
    path = f"`{cp['from']}` -> `{cp['to']}`" if cp else j["fmax_reason"]
    rows.append((j["top"], j["target"], r["LUT"]["used"], r["LUT"]["available"], r["FF"]["used"],
                 r["BRAM"]["used"], r["DSP"]["used"], r["IO"]["used"], "yes" if j["fits"] else "no",
                 fm, path, wall, j["yosys_version"].split(" (")[0], j.get("nextpnr_version") or ""))
out = open("constraints/synth-results.md", "w")
tools = sorted({(r[12], r[13]) for r in rows})
out.write("# `neuroxbar synth` results\n\n")
out.write("Written by `bash scripts/synth-all.sh` (every top on every target, clock target "
          f"{os.environ.get('FREQ_MHZ', '100')} MHz, nextpnr seed 1, `--allow-timing-fail`); "
          "one `out/synth-all/<top>-<target>/` folder per row with synth.json, the logs and the bitstream. "
          "Tools: " + "; ".join(f"{a} / {b}" for a, b in tools) + ". "
          "fmax ✓ meets the clock, ✗ misses it; n/a: no place and route (the logic does not fit, or the "
          "Artix-7, which has no packaged open place and route). LUT counts: ECP5 includes 2 LUT4 per CCU2C, "
          "xc7 counts inverters. Wall times are of a shared 2-core machine.\n\n")
out.write("| top | target | LUT | of | FF | RAM | DSP | pins | fits | fmax MHz | critical path | wall s |\n")
out.write("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|\n")
for r in rows:
    out.write("| " + " | ".join(str(x) for x in r[:12]) + " |\n")
print(f"{len(rows)} rows -> constraints/synth-results.md")
PY
