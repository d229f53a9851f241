#!/usr/bin/env bash
# The Python package's tests: builds the command line (cargo build --release), installs the
# package with `pip install ./python` into a fresh virtual environment (with pytest, pandas
# and matplotlib), and runs python/tests/, which hold the package's answers against the command
# line's on the shipped corpus. Needs python3 (3.9 or newer) with venv, and a Rust toolchain.
# The environment is kept in target/python-venv (FYND_VENV to choose another folder).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
venv=${FYND_VENV:-target/python-venv}
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet ./python pytest pandas matplotlib
# From python/tests, so that `import fynd` finds the installed package, not python/fynd.
cd python/tests
FYND_BIN="$OLDPWD/target/release/fynd" "$OLDPWD/$venv/bin/python" -m pytest -q "$@"
