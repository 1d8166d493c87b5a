#!/usr/bin/env bash
# Verilator's own FST writer (--trace-fst) against its VCD writer followed
# by GTKWave's vcd2fst (what `neuroxbar run --fst` does), on a synthetic
# design: cosim/benches/verilator_fst_syn.v, 500 16-bit counters each
# stepping on about one clock in eight (about 1.4 kB of VCD per cycle),
# CYCLES clocks (default 200000). Not the accelerator: rebuilding the
# Verilated accelerator models with --trace-fst is not done here.
#
# usage: cosim/benches/verilator_fst_bench.sh [CYCLES]
#
# Builds four binaries with `verilator --binary` (no trace, --trace,
# --trace-fst, --trace-fst --trace-threads 2) in a temporary folder, runs
# each 3 times under /usr/bin/time -v (least wall time, largest max RSS),
# converts the VCD with vcd2fst (3 times), and prints a markdown table
# (paste it into cosim/benches/results/wave_out.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
cycles=${1:-200000}
src=$PWD/cosim/benches/verilator_fst_syn.v
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
build() { # name dumpfile flags...
  local name=$1 dump=$2
  shift 2
  verilator --binary -Wno-fatal --top-module tb --Mdir "$name" \
    "-DDUMP=\"$dump\"" "-DCYCLES=$cycles" "$@" "$src" -o vsim >"$name.log" 2>&1 || {
    cat "$name.log" >&2
    exit 1
  }
}
build none none.vcd
build vcd out.vcd --trace
build fst out.fst --trace-fst
build fst_threads out.fst --trace-fst --trace-threads 2

best() { # prints "least_wall_s max_rss_kb"
  local bw="" br=0 i t w r
  for i in 1 2 3; do
    t=$(mktemp)
    /usr/bin/time -f "%e %M" "$@" >/dev/null 2>"$t"
    read -r w r < <(tail -1 "$t")
    rm -f "$t"
    if [ -z "$bw" ] || awk -v a="$w" -v b="$bw" 'BEGIN { exit !(a < b) }'; then bw=$w; fi
    [ "$r" -gt "$br" ] && br=$r
  done
  echo "$bw $br"
}
row() { # label wall rss bytes
  awk -v l="$1" -v w="$2" -v r="$3" -v b="$4" -v c="$cycles" \
    'BEGIN { printf "| %s | %.2f | %.0f | %d | %.1f |\n", l, w, r / 1024, b, b / c }'
}
echo "$cycles cycles, load $(cut -d' ' -f1 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M') UTC"
echo
echo "| run | wall s | max RSS MB | bytes | bytes / cycle |"
echo "|---|---:|---:|---:|---:|"
read -r w r <<<"$(best ./none/vsim)"
row "no trace" "$w" "$r" 0
read -r w r <<<"$(best ./vcd/vsim)"
row "--trace (VCD)" "$w" "$r" "$(stat -c %s out.vcd)"
read -r w r <<<"$(best vcd2fst out.vcd conv.fst)"
row "vcd2fst of that VCD" "$w" "$r" "$(stat -c %s conv.fst)"
read -r w r <<<"$(best ./fst/vsim)"
row "--trace-fst" "$w" "$r" "$(stat -c %s out.fst)"
read -r w r <<<"$(best ./fst_threads/vsim)"
row "--trace-fst --trace-threads 2" "$w" "$r" "$(stat -c %s out.fst)"
