#!/usr/bin/env bash
# The README's test command: installs what the tests need, then runs every test.
#   - a Python virtualenv with libcoveocds (OCDS) and icalendar (tests/tools/requirements.txt)
#   - the Rust workspace's tests (unit, CLI diagnostics, end-to-end site checks)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash tests/tools/setup-python.sh >/dev/null
cargo test --workspace --locked
