#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run): install what is missing
# (scripts/setup.sh), then build and test every crate of the workspace in
# release mode. Uses cargo-nextest when installed (test binaries run in
# parallel), else `cargo test`. Arguments are passed on to the test runner.
# As root it also starts a single-node Slurm (scripts/slurm-up.sh) for the
# sweep's Slurm test.
#
# With CI set, insta never writes or accepts snapshots: a changed or missing
# snapshot fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# A single-node Slurm for the `neuroxbar sweep --slurm` test (needs root to
# start its daemons; elsewhere that test is skipped, except under CI).
if [ "$(id -u)" -eq 0 ]; then
  bash scripts/slurm-up.sh || echo "scripts/test.sh: Slurm did not come up; its test will fail under CI" >&2
fi
if [ -n "${CI:-}" ]; then
  export INSTA_UPDATE=no
fi
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --release --no-fail-fast "$@"
  cargo test --workspace --release --doc # nextest does not run doctests
else
  cargo test --workspace --release --no-fail-fast "$@"
fi
