#!/usr/bin/env bash
# Regenerates docs/gtkwave-e1.png: GTKWave opening an E1 trace and the view
# `neuroxbar run` writes beside it, drawn headless and grabbed.
#
# usage: scripts/screenshot.sh [OUT.png] [NEUROXBAR_BINARY]
#
# Runs (in a temporary folder, removed after)
#   neuroxbar run --epochs 1 --seeds 1 --fst e1.fst --vcd-cycles 0..20000 \
#     --probe-cells 0:0,1:0
# (one epoch: the traced cycles 0..20000 are the same as in the default
# 100-epoch run), opens e1.fst with e1.gtkw in GTKWave on a 1400x1500 Xvfb
# screen (the view's window made as tall), zooms to the first time steps
# (markers A..D), grabs the screen
# (xwd) and writes it as a PNG with 64 colours (netpbm). Needs gtkwave,
# xvfb-run, xwd (x11-apps) and netpbm: scripts/setup.sh installs them.
# The binary defaults to target/release/neuroxbar (`cargo build --release`).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-docs/gtkwave-e1.png}")
bin=$(realpath "${2:-target/release/neuroxbar}")
for t in gtkwave xvfb-run xwd xwdtopnm pnmquant pnmtopng; do
  command -v "$t" >/dev/null || {
    echo "scripts/screenshot.sh: $t is missing (scripts/setup.sh installs it)" >&2
    exit 2
  }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$bin" run --epochs 1 --seeds 1 --out res --fst e1.fst --vcd-cycles 0..20000 \
  --probe-cells 0:0,1:0 >run.log 2>&1 || {
  cat run.log >&2
  exit 1
}
# The view as written, only with the window as tall as the screen, so that
# every group down to the probed conductances shows.
sed 's/^\[size\] .*/[size] 1400 1500/' e1.gtkw >tall.gtkw
# GTKWave's Tcl: show the first time steps (up to marker D) and expand the
# signal tree's top scope, then wait for the grab.
cat >zoom.tcl <<'TCL'
gtkwave::setZoomRangeTimes 0 [gtkwave::getNamedMarker D]
gtkwave::setWindowStartTime 0
TCL
xvfb-run -a -s "-screen 0 1400x1500x24" bash -c '
  gtkwave -S zoom.tcl e1.fst tall.gtkw >gtkwave.log 2>&1 &
  pid=$!
  sleep "${SCREENSHOT_WAIT_SECONDS:-6}"
  xwd -root -silent >screen.xwd
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
'
mkdir -p "$(dirname "$out")"
xwdtopnm screen.xwd 2>/dev/null | pnmquant 64 2>/dev/null | pnmtopng -compression 9 >"$out.part"
mv "$out.part" "$out"
echo "screenshot: $out ($(stat -c %s "$out") bytes)"
