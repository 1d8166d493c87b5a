#!/usr/bin/env bash
# Sweep speed-up: the same E1 plan (8 seeds x 3 epoch counts, one seed of
# the noise spread each) with --jobs 1 and with --jobs 2 (every core of a
# 2-core machine), into fresh folders; appends a row per run to
# benches/results/sweep.md. Usage: bash scripts/sweep-bench.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-target/release/neuroxbar}"
[ -x "$BIN" ] || cargo build --release --bin neuroxbar
WORK="$(mktemp -d "${TMPDIR:-/tmp}/neuroxbar-sweep-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/plan.toml" <<'PLAN'
experiment = "letters-stdp"
metric = "recognition_vs_noise.1.rate"
[options]
seeds = 1
[grid]
seed = [1, 2, 3, 4, 5, 6, 7, 8]
epochs = [10, 20, 40]
PLAN
RES=benches/results/sweep.md
if [ ! -f "$RES" ]; then
  cat > "$RES" <<'HEAD'
# `neuroxbar sweep`: local parallel speed-up

Command: `bash scripts/sweep-bench.sh` (appends rows). Plan: E1
`letters-stdp`, `--seeds 1`, grid seed 1..8 x epochs 10, 20, 40 (24 points,
each a complete `neuroxbar run`), metric recognition at noise 0.5. Wall time
of the whole sweep (`date` before and after), on the machine named; the
load average is that of the minute before the run (other work shares the
cores).

| date (UTC) | commit | cores | jobs | points | wall s | speed-up vs jobs 1 | load (1 min) |
|---|---|---:|---:|---:|---:|---:|---:|
HEAD
fi
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
t1=""
for jobs in 1 2; do
  load="$(cut -d' ' -f1 /proc/loadavg)"
  start="$(date +%s.%N)"
  "$BIN" sweep "$WORK/plan.toml" --out "$WORK/j$jobs" --jobs "$jobs" >/dev/null 2>&1
  end="$(date +%s.%N)"
  wall="$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
  [ -n "$t1" ] || t1="$wall"
  speed="$(awk -v a="$t1" -v b="$wall" 'BEGIN { print a / b }')"
  printf '| %s | %s | %s | %s | 24 | %.1f | %.2f | %s |\n' \
    "$(date -u +'%Y-%m-%d %H:%M')" "$commit" "$(nproc)" "$jobs" "$wall" "$speed" "$load" >> "$RES"
done
# the two sweeps agree point by point (same seeds, same numbers)
cmp <(cut -d, -f1-5 "$WORK/j1/summary.csv") <(cut -d, -f1-5 "$WORK/j2/summary.csv")
tail -2 "$RES"
