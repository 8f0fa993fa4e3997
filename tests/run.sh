#!/usr/bin/env bash
# The README's test command: installs what the tests need, then runs every test.
#   - a Python virtualenv with libcoveocds (OCDS), icalendar, aiosmtpd and schemathesis (the API's
#     OpenAPI fuzz test) (tests/tools/requirements.txt)
#   - Debian's Chromium (/usr/bin/chromium) and the browser tests' npm packages (tests/package.json:
#     playwright-core, axe-core, vnu-jar), installed only when missing or out of date
#   - Debian's nginx, put in front of the API by the reverse-proxy test, installed when missing
#   - the site's npm packages (package.json: Leaflet), copied into built sites
#   - rustfmt and clippy over the whole workspace (warnings are errors)
#   - the Rust workspace's tests (unit, CLI diagnostics, end-to-end site checks)
#   - the browser tests (tests/browser/): the sample site is built into a temp dir, served on
#     127.0.0.1 and walked in headless Chromium, checked with axe-core and the Nu Html Checker
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { echo "run.sh: $*" >&2; }

bash tests/tools/setup-python.sh >/dev/null

# Chromium from Debian; playwright-core never downloads a browser of its own.
if [[ ! -x /usr/bin/chromium ]]; then
    if [[ "$(id -u)" != "0" ]]; then
        log "error: /usr/bin/chromium is missing; as root: apt-get update && apt-get install -y chromium"
        exit 1
    fi
    log "installing chromium (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi

# nginx from Debian, for the test of the API behind a reverse proxy (tests/limits.rs starts its
# own nginx as the current user on a loopback port, its files in a temp dir; the package's own
# service is not needed).
if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
    if [[ "$(id -u)" != "0" ]]; then
        log "error: nginx is missing; as root: apt-get update && apt-get install -y nginx"
        exit 1
    fi
    log "installing nginx (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq nginx >/dev/null
fi

# The npm packages, again only when tests/package-lock.json is newer than the last install.
# --ignore-scripts: vnu-jar's postinstall would fetch a Java runtime; Debian's Java 17 is used.
if [[ ! -f tests/node_modules/.package-lock.json \
    || tests/package-lock.json -nt tests/node_modules/.package-lock.json \
    || ! -f tests/node_modules/vnu-jar/build/dist/vnu.jar ]]; then
    log "installing the browser tests' npm packages (npm ci)"
    npm ci --prefix tests --ignore-scripts --no-audit --no-fund >&2
    touch tests/node_modules/.package-lock.json
fi

# The site's own front-end packages (package.json: Leaflet for the map page), which civic build
# copies into the site with their licences; the Rust tests check the map page uses them.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    log "installing the site's npm packages (npm ci)"
    npm ci --ignore-scripts --no-audit --no-fund >&2
    touch node_modules/.package-lock.json
fi

# The code as written: formatted, and clippy-clean with warnings as errors (lints: Cargo.toml).
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    log "installing rustfmt and clippy (rustup component add)"
    rustup component add rustfmt clippy >&2
fi
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

cargo test --workspace --locked

# The browser tests, on the sample site built afresh with the `civic` binary the tests above
# built and ran (the same code as a release build, with overflow checks; not compiling a
# second profile keeps this command within CI's time).
CIVIC_BIN="$(realpath "${CARGO_TARGET_DIR:-target}")/debug/civic"
SITE="$(mktemp -d "${TMPDIR:-/tmp}/civic-site.XXXXXX")"
trap 'rm -rf "$SITE"' EXIT
# Search index parts of 50 pages, so the sample's ~260 pages make several and the search tests
# run on merged parts, as a city's site of thousands of pages does.
"$CIVIC_BIN" build --out "$SITE" -q --search-part 50
# The API's browser tests run `civic serve` themselves, with this binary.
SITE_DIR="$SITE" CIVIC_BIN="$CIVIC_BIN" node --test tests/browser/
