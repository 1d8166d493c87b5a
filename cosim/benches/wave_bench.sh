#!/usr/bin/env bash
# Time and peak memory of `neuroxbar wave` on a generated VCD.
#
# usage: cosim/benches/wave_bench.sh [NEUROXBAR_BINARY] [LABEL] [MEGABYTES]
#
# Generates WORK/wave_bench_<MB>MB.vcd with cosim/benches/wave_gen.py (seed 1;
# WORK is $WAVE_BENCH_DIR, default /tmp; the file is reused when present and
# never committed) and WORK/wave_bench_<MB>MB.fst from it with GTKWave's
# vcd2fst (timed: the `vcd2fst` row), then runs, each under /usr/bin/time -v:
#   draw:    wave FILE --signals clock,core.s141 --from 1000000 --to 1100000
#            (two signals, 100 ns of a ~1.25 ms dump)
#   summary: wave FILE --summary (every signal's transition count)
# on the VCD with the streaming reader (`draw`, `summary`), on the VCD with
# wellen (`--reader wellen`: `draw, wellen VCD`, `summary, wellen VCD`) and
# on the FST (wellen: `draw, FST`, `summary, FST`), and appends one row per
# run (wall seconds, max RSS, RSS / size of the file read) to
# cosim/benches/results/wave.md. WAVE_BENCH_RUNS (default
# "vcd wellen fst") picks the groups. The binary defaults to
# target/release/neuroxbar (build it first with `cargo build --release`).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/release/neuroxbar}
label=${2:-$(git rev-parse --short HEAD)}
mb=${3:-200}
work=${WAVE_BENCH_DIR:-/tmp}
vcd="$work/wave_bench_${mb}MB.vcd"
fst="$work/wave_bench_${mb}MB.fst"
results=cosim/benches/results/wave.md
groups=${WAVE_BENCH_RUNS:-vcd wellen fst}

if [ ! -s "$vcd" ]; then
  python3 cosim/benches/wave_gen.py "$vcd.part" "$mb" 1
  mv "$vcd.part" "$vcd"
fi

if [ ! -f "$results" ]; then
  cat >"$results" <<EOF
# \`neuroxbar wave\` reader: time and peak memory

Command: \`bash cosim/benches/wave_bench.sh [BINARY] [LABEL] [MB]\` (appends rows
to the table at the end of this file).
File: \`python3 cosim/benches/wave_gen.py FILE MB 1\` (seed 1): 1 ps timescale,
200 signals (1, 8, 16, 32 bits, one real), a timestamp every 5000 ps, the
clock and a random tenth of the signals changing at each; its FST is
\`vcd2fst FILE.vcd FILE.fst\` (GTKWave's converter, timed as the \`vcd2fst\` row).

- draw: \`wave FILE --signals clock,core.s141 --from 1000000 --to 1100000\`
- summary: \`wave FILE --summary\`
- \`draw\`/\`summary\`: the VCD through the streaming reader (the default for
  VCD); \`, wellen VCD\`: the VCD through wellen (\`--reader wellen\`);
  \`, FST\`: the FST (always wellen). \`file MB\` and \`RSS / file\` are of the
  file read (the FST is about 1/6 of its VCD).

Wall time and max RSS from \`/usr/bin/time -v\`. The machine has 2 cores
shared with other builds: the load average is given per row, times vary.

## Rows

| build | run | file MB | wall s | max RSS MB | RSS / file | load (1 min) | date (UTC) |
|---|---|---:|---:|---:|---:|---:|---|
EOF
fi

# timed FILE NAME COMMAND...: run COMMAND under /usr/bin/time -v, append a
# row for it (FILE: the file it reads, for the size columns)
timed() {
  local file=$1 name=$2
  shift 2
  local bytes
  bytes=$(stat -c %s "$file")
  local log
  log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || {
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

run() {
  local file=$1 name=$2
  shift 2
  timed "$file" "$name" "$bin" wave "$file" "$@"
}

draw=(--signals clock,core.s141 --from 1000000 --to 1100000)
for g in $groups; do
  case $g in
  vcd)
    run "$vcd" draw "${draw[@]}"
    run "$vcd" summary --summary
    ;;
  wellen)
    run "$vcd" "draw, wellen VCD" --reader wellen "${draw[@]}"
    run "$vcd" "summary, wellen VCD" --reader wellen --summary
    ;;
  fst)
    if [ ! -s "$fst" ]; then
      timed "$vcd" "vcd2fst (VCD to FST)" vcd2fst "$vcd" "$fst.part.fst"
      mv "$fst.part.fst" "$fst"
    fi
    run "$fst" "draw, FST" "${draw[@]}"
    run "$fst" "summary, FST" --summary
    ;;
  *)
    echo "unknown WAVE_BENCH_RUNS group '$g' (vcd, wellen, fst)" >&2
    exit 2
    ;;
  esac
done
