#!/usr/bin/env bash
# Browser test of fynd's search page: installs Debian's chromium and chromium-driver if
# missing, indexes corpus/seeds into a temporary folder, starts `fynd serve` on 127.0.0.1
# (any free port), and drives the page headless with drive.py. Screenshots go to
# target/browser/. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt-get update
    apt-get install -y chromium chromium-driver
fi

cargo build --quiet
fynd=target/debug/fynd
work=$(mktemp -d)
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

"$fynd" index corpus/seeds --index "$work/index" >/dev/null
"$fynd" serve --index "$work/index" --bind 127.0.0.1 --port 0 >"$work/serve.log" 2>&1 &
server=$!
base=""
for _ in $(seq 100); do
    base=$(grep -so 'http://127\.0\.0\.1:[0-9]*' "$work/serve.log" || true)
    [ -n "$base" ] && break
    sleep 0.1
done
if [ -z "$base" ]; then
    echo "fynd serve did not start:" >&2
    cat "$work/serve.log" >&2
    exit 1
fi
echo "browser test against $base"
python3 tests/browser/drive.py "$base" target/browser
