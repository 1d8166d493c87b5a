#!/usr/bin/env bash
# Install what neuroxbar needs on a Debian machine, idempotently:
# Verilator (co-simulation), Yosys (synthesis gate, `neuroxbar synth`),
# nextpnr-ice40 (place and route for `neuroxbar synth`), Icarus Verilog
# (second simulator), and a C++ toolchain for the Verilator runtime.
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

if [ ${#need[@]} -gt 0 ]; then
  echo "scripts/setup.sh: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! have cargo; then
  echo "scripts/setup.sh: cargo not found; install a Rust toolchain (https://rustup.rs)" >&2
  exit 1
fi

verilator --version >&2
yosys -V >&2
nextpnr-ice40 --version 2>&1 | sed -n 1p >&2
iverilog -V 2>&1 | sed -n 1p >&2 # (head would make iverilog die of SIGPIPE under pipefail)
