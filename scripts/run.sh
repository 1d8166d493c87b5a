#!/usr/bin/env bash
# The main job: install what is missing (scripts/setup.sh), build in release,
# and run the default experiment (`neuroxbar run`). Arguments are passed on to
# `neuroxbar run`, e.g. `scripts/run.sh --seed 2 --out out/e1-seed2`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo run --release -p neuroxbar -- run "$@"
