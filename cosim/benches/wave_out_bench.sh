#!/usr/bin/env bash
# Cost of writing waveforms from a run: VCD against FST for E1.
#
# usage: cosim/benches/wave_out_bench.sh [NEUROXBAR_BINARY] [LABEL]
#
# Runs `neuroxbar run --epochs 1 --seeds 1` (E1, letters-stdp, one epoch;
# 381012 clocked cycles) once without a trace and then, for each window of
# clocked cycles in $WAVE_OUT_WINDOWS (default "0..20000 0..100000 all";
# `all` is the whole run, no --vcd-cycles), once with --vcd and once with
# --fst (which traces a VCD and converts it with GTKWave's vcd2fst), each
# under /usr/bin/time -v, $WAVE_OUT_REPEAT times (default 3; the least wall
# time is kept). The VCD of each window is also converted alone
# (vcd2fst, timed) to show the conversion's share. Appends one row per run
# to cosim/benches/results/wave_out.md: traced clocked cycles, file bytes,
# bytes per traced cycle, wall seconds, the wall seconds over the untraced
# run, traced cycles per second of that extra time, max RSS. Scratch files
# go to $WAVE_OUT_DIR (default a fresh temporary folder, removed after).
# The binary defaults to target/release/neuroxbar (`cargo build --release`).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(realpath "${1:-target/release/neuroxbar}")
label=${2:-$(git rev-parse --short HEAD)}
windows=${WAVE_OUT_WINDOWS:-0..20000 0..100000 all}
results=$PWD/cosim/benches/results/wave_out.md
if [ -n "${WAVE_OUT_DIR:-}" ]; then
  work=$WAVE_OUT_DIR
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
command -v vcd2fst >/dev/null || {
  echo "vcd2fst (GTKWave's) is needed: scripts/setup.sh installs it" >&2
  exit 2
}

if [ ! -f "$results" ]; then
  cat >"$results" <<'HEAD'
# Waveform output from a run: VCD against FST

Command: `bash cosim/benches/wave_out_bench.sh [BINARY] [LABEL]` (appends
rows to the table at the end of this file).

E1 (`neuroxbar run --epochs 1 --seeds 1`: letters-stdp, one training epoch
and the noise tests of one seed; 381012 clocked cycles, about 1 s untraced)
with `--vcd FILE` or `--fst FILE` and `--vcd-cycles FROM..TO` (`all`: no
window, the whole run).

- traced cycles: clocked cycles inside the window (the accelerator's VCD
  has a timestamp per clocked cycle; warped waits hold the values).
- bytes / cycle: file size / traced cycles.
- wall s: the whole run (`/usr/bin/time -v`, least of 3 runs), for `--fst` including the
  `vcd2fst` conversion and the removal of the temporary VCD; `+ wall s`:
  over the untraced run of the same row set; `cycles/s`: traced cycles per
  second of that extra time (the cost of tracing, not of simulating).
- `vcd2fst alone`: converting that window's VCD on its own (the share of the
  `--fst` extra time that is conversion).

FST is not written by Verilator here: the Verilated models are built with
`--trace` (VCD), the run traces into a temporary VCD beside the FST and
converts it with GTKWave's `vcd2fst` (src/cmd/run.rs). The machine has 2
cores shared with other builds: the load average is given per row.

## Rows

| build | window | format | traced cycles | bytes | bytes / cycle | wall s | + wall s | cycles/s | max RSS MB | load | date (UTC) |
|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|
HEAD
fi

# timed LOG COMMAND...: run under /usr/bin/time -v; prints "WALL_S RSS_KB";
# the command's stdout and stderr go to LOG.
timed() {
  local log=$1
  shift
  local t
  t=$(mktemp)
  /usr/bin/time -v "$@" >"$log" 2>"$t.err" || {
    cat "$log" "$t.err" >&2
    return 1
  }
  cat "$t.err" >>"$log"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$t.err" |
    awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$t.err")
  rm -f "$t" "$t.err"
  echo "$wall $rss"
}

# best LOG COMMAND...: `timed` $repeat times (removing the paths in $clean
# before each); prints the least wall seconds and the largest max RSS.
repeat=${WAVE_OUT_REPEAT:-3}
clean=()
best() {
  local log=$1
  shift
  local i t w r bw="" br=0
  for ((i = 0; i < repeat; i++)); do
    rm -rf "${clean[@]}"
    t=$(timed "$log" "$@")
    read -r w r <<<"$t"
    if [ -z "$bw" ] || awk -v a="$w" -v b="$bw" 'BEGIN { exit !(a < b) }'; then bw=$w; fi
    [ "$r" -gt "$br" ] && br=$r
  done
  echo "$bw $br"
}

e1=(run --epochs 1 --seeds 1)
clean=("$work/base")
t=$(best "$work/base.log" "$bin" "${e1[@]}" --out "$work/base")
read -r base_wall base_rss <<<"$t"
clocked=$(grep -o '([0-9]* clocked)' "$work/base.log" | tr -dc 0-9)
echo "untraced: $base_wall s, $((base_rss / 1024)) MB, $clocked clocked cycles"

row() { # window format cycles bytes wall rss
  awk -v label="$label" -v win="$1" -v fmt="$2" -v cyc="$3" -v bytes="$4" \
    -v wall="$5" -v rss="$6" -v base="$base_wall" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    -v date="$(date -u '+%Y-%m-%d %H:%M')" 'BEGIN {
      extra = wall - base
      rate = (extra > 0 && cyc > 0) ? sprintf("%.3g", cyc / extra) : "-"
      bpc = cyc > 0 ? sprintf("%.1f", bytes / cyc) : "-"
      printf "| %s | %s | %s | %d | %d | %s | %.2f | %.2f | %s | %.0f | %s | %s |\n",
        label, win, fmt, cyc, bytes, bpc, wall, extra, rate, rss / 1024, load, date }' |
    tee -a "$results"
}

row untraced none 0 0 "$base_wall" "$base_rss"
for w in $windows; do
  if [ "$w" = all ]; then
    win=()
    cycles=$clocked
  else
    win=(--vcd-cycles "$w")
    from=${w%%..*}
    to=${w##*..}
    [ "$to" -gt "$clocked" ] && to=$clocked
    cycles=$((to > from ? to - from : 0))
  fi
  clean=("$work/out" "$work"/e1.*)
  t=$(best "$work/vcd.log" "$bin" "${e1[@]}" --out "$work/out" \
    --vcd "$work/e1.vcd" "${win[@]}")
  read -r wall rss <<<"$t"
  row "$w" VCD "$cycles" "$(stat -c %s "$work/e1.vcd")" "$wall" "$rss"
  clean=("$work/e1_alone.fst")
  t=$(best "$work/conv.log" vcd2fst "$work/e1.vcd" "$work/e1_alone.fst")
  read -r cwall crss <<<"$t"
  awk -v label="$label" -v win="$w" -v cyc="$cycles" -v bytes="$(stat -c %s "$work/e1_alone.fst")" \
    -v wall="$cwall" -v rss="$crss" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    -v date="$(date -u '+%Y-%m-%d %H:%M')" 'BEGIN {
      printf "| %s | %s | vcd2fst alone | %d | %d | %.1f | %.2f | - | %s | %.0f | %s | %s |\n",
        label, win, cyc, bytes, (cyc > 0 ? bytes / cyc : 0), wall,
        (wall > 0 ? sprintf("%.3g", cyc / wall) : "-"), rss / 1024, load, date }' |
    tee -a "$results"
  clean=("$work/out" "$work"/e1.*)
  t=$(best "$work/fst.log" "$bin" "${e1[@]}" --out "$work/out" \
    --fst "$work/e1.fst" "${win[@]}")
  read -r wall rss <<<"$t"
  row "$w" FST "$cycles" "$(stat -c %s "$work/e1.fst")" "$wall" "$rss"
done
