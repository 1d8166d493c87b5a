#!/usr/bin/env bash
# Time and peak memory of `neuroxbar wave` on a generated VCD.
#
# usage: cosim/benches/wave_bench.sh [NEUROXBAR_BINARY] [LABEL] [MEGABYTES]
#
# Generates WORK/wave_bench_<MB>MB.vcd with cosim/benches/wave_gen.py (seed 1;
# WORK is $WAVE_BENCH_DIR, default /tmp; the file is reused when present and
# never committed), then runs, each under /usr/bin/time -v:
#   draw:    wave FILE --signals clock,core.s141 --from 1000000 --to 1100000
#            (two signals, 100 ns of a ~1.25 ms dump)
#   summary: wave FILE --summary (every signal's transition count)
# and appends one row per run (wall seconds, max RSS, RSS / file size) to
# cosim/benches/results/wave.md. The binary defaults to
# target/release/neuroxbar (build it first with `cargo build --release`).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/release/neuroxbar}
label=${2:-$(git rev-parse --short HEAD)}
mb=${3:-200}
work=${WAVE_BENCH_DIR:-/tmp}
vcd="$work/wave_bench_${mb}MB.vcd"
results=cosim/benches/results/wave.md

if [ ! -s "$vcd" ]; then
  python3 cosim/benches/wave_gen.py "$vcd.part" "$mb" 1
  mv "$vcd.part" "$vcd"
fi
bytes=$(stat -c %s "$vcd")

if [ ! -f "$results" ]; then
  cat >"$results" <<EOF
# \`neuroxbar wave\` reader: time and peak memory

Command: \`bash cosim/benches/wave_bench.sh [BINARY] [LABEL] [MB]\` (appends rows).
File: \`python3 cosim/benches/wave_gen.py FILE MB 1\` (seed 1): 1 ps timescale,
200 signals (1, 8, 16, 32 bits, one real), a timestamp every 5000 ps, the
clock and a random tenth of the signals changing at each.

- draw: \`wave FILE --signals clock,core.s141 --from 1000000 --to 1100000\`
- summary: \`wave FILE --summary\`

Wall time and max RSS from \`/usr/bin/time -v\`. The machine has 2 cores
shared with other builds: the load average is given per row, times vary.

| build | run | file MB | wall s | max RSS MB | RSS / file | load (1 min) | date (UTC) |
|---|---|---:|---:|---:|---:|---:|---|
EOF
fi

run() {
  local name=$1
  shift
  local log
  log=$(mktemp)
  /usr/bin/time -v "$bin" wave "$vcd" "$@" >/dev/null 2>"$log" || {
    cat "$log" >&2
    rm -f "$log"
    return 1
  }
  local rss_kb wall
  rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  rm -f "$log"
  local secs
  secs=$(echo "$wall" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  awk -v label="$label" -v name="$name" -v bytes="$bytes" -v secs="$secs" \
    -v rss="$rss_kb" -v load="$load" -v date="$(date -u '+%Y-%m-%d %H:%M')" \
    'BEGIN { printf "| %s | %s | %.0f | %.2f | %.0f | %.3f | %s | %s |\n",
      label, name, bytes / 1e6, secs, rss / 1024, rss * 1024 / bytes, load, date }' |
    tee -a "$results"
}

run draw --signals clock,core.s141 --from 1000000 --to 1100000
run summary --summary
