#!/usr/bin/env bash
# Create (or refresh) the Python virtualenv used by civic's test tooling.
#
#   bash tests/tools/setup-python.sh          # idempotent; fast no-op when up to date
#   FORCE=1 bash tests/tools/setup-python.sh  # rebuild the venv from scratch
#   PYTHON=/usr/bin/python3 bash tests/tools/setup-python.sh
#
# The venv lives at tests/.venv. A stamp file inside it records a hash of
# tests/tools/requirements.txt plus the interpreter version; when both match
# and the interpreter still runs, nothing is installed (and pip isn't even
# started). Packages come only from the package registry (PyPI) at set-up
# time; nothing is downloaded when tests run.
#
# Prints the venv's python path as the last line on stdout, so callers can do
#   PY=$(bash tests/tools/setup-python.sh | tail -n1)
set -euo pipefail

TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TESTS_DIR="$(dirname "$TOOLS_DIR")"
VENV="$TESTS_DIR/.venv"
REQS="$TOOLS_DIR/requirements.txt"
STAMP="$VENV/.civic-requirements.sha256"
PYTHON="${PYTHON:-python3}"

log() { echo "setup-python: $*" >&2; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    log "error: '$PYTHON' not found (set PYTHON=/path/to/python3)"
    exit 1
fi

want="$( { sha256sum "$REQS" | cut -d' ' -f1; "$PYTHON" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)"

if [[ "${FORCE:-0}" != "1" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]] \
    && "$VENV/bin/python" -c 'pass' >/dev/null 2>&1; then
    log "up to date ($VENV)"
    echo "$VENV/bin/python"
    exit 0
fi

# A venv created by another interpreter version (or a broken one) is rebuilt
# rather than patched.
if [[ -d "$VENV" ]]; then
    if [[ "${FORCE:-0}" == "1" ]] || ! "$VENV/bin/python" -c 'pass' >/dev/null 2>&1 \
        || [[ "$("$VENV/bin/python" -c 'import sys; print(sys.version)')" != "$("$PYTHON" -c 'import sys; print(sys.version)')" ]]; then
        log "removing stale venv $VENV"
        rm -rf "$VENV"
    fi
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    log "creating venv $VENV with $("$PYTHON" --version 2>&1)"
    if ! "$PYTHON" -m venv "$VENV"; then
        log "error: '$PYTHON -m venv' failed (on Debian: apt-get install -y python3-venv)"
        rm -rf "$VENV"
        exit 1
    fi
    # Keep the venv out of git without touching any .gitignore in the repo.
    printf '*\n' > "$VENV/.gitignore"
fi

rm -f "$STAMP"
log "installing pinned packages from $REQS"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    --no-input --require-virtualenv -r "$REQS"
"$VENV/bin/python" -m pip check >&2
# Smoke test: the validator's imports must work.
"$VENV/bin/python" -c 'import libcoveocds.api, libcoveocds.config' \
    || { log "error: libcoveocds failed to import"; exit 1; }
"$VENV/bin/schemathesis" --version >/dev/null \
    || { log "error: schemathesis does not run"; exit 1; }

echo "$want" > "$STAMP"
log "done"
echo "$VENV/bin/python"
