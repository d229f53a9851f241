#!/usr/bin/env bash
# Fuzzes `fynd serve` from its own OpenAPI description with schemathesis: every operation
# is called with parameters generated from the described schemas (valid ones, and invalid
# ones that must be refused with 4xx), and every answer is checked against the description:
# no server error (5xx), a described status, content type, headers and body, a 405 with its
# Allow header for other methods. One check is left out: that every request the schemas
# allow is accepted. The query (`q`) and the ranges are languages of their own, which a
# JSON schema cannot describe ("(((" is a string, and a 400 naming its position), so such
# a request may rightly be refused. The server runs the debug build over corpus/seeds in a
# temporary folder. schemathesis is installed from PyPI into target/api/venv on first use.
#
#     tests/api/run.sh                 # the run .ci/run makes (seeded, 40 cases per operation)
#     EXAMPLES=500 tests/api/run.sh    # a longer run
set -euo pipefail
cd "$(dirname "$0")/../.."
SCHEMATHESIS_VERSION=4.32.5
venv=target/api/venv
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi
cargo build --quiet --bin fynd
work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
target/debug/fynd index corpus/seeds --index "$work/index" >/dev/null
target/debug/fynd serve --index "$work/index" --port 0 >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
for _ in $(seq 100); do
    grep -q 'http://' "$work/serve.out" 2>/dev/null && break
    sleep 0.1
done
base=$(grep -o 'http://[0-9.:]*' "$work/serve.out" | head -n 1)
[ -n "$base" ] || { cat "$work/serve.err"; echo "fynd serve did not start" >&2; exit 1; }
mkdir -p target/api
# From target/api, where schemathesis keeps its own files.
cd target/api
venv/bin/schemathesis run "$base/api/openapi.json" \
    --checks all \
    --exclude-checks positive_data_acceptance \
    --max-examples "${EXAMPLES:-40}" \
    --seed "${SEED:-28}" \
    --workers 2 \
    --request-timeout 30 \
    --generation-database none \
    --report junit --report-dir . \
    --no-color
