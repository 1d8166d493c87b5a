#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run): install what is missing
# (scripts/setup.sh), then build and test every crate of the workspace in
# release mode. Uses cargo-nextest when installed (test binaries run in
# parallel), else `cargo test`. Arguments are passed on to the test runner.
#
# With CI set, insta never writes or accepts snapshots: a changed or missing
# snapshot fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -n "${CI:-}" ]; then
  export INSTA_UPDATE=no
fi
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --release --no-fail-fast "$@"
  cargo test --workspace --release --doc # nextest does not run doctests
else
  cargo test --workspace --release --no-fail-fast "$@"
fi
