#!/usr/bin/env bash
# README's pandas recipe, run as the README writes it: indexes corpus/projektbanken into a
# temporary folder, exports every record to hits.csv, runs the ```python block that follows
# the "recipe: pandas" marker in README.md, and checks what it computed against the CSV read
# with python3's own csv module, and that it drew its chart. Installs Debian's python3-pandas
# and python3-matplotlib if they are missing (apt-get, as root). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The python3 first on PATH if it has pandas; else Debian's, which the packages are for.
python=python3
if ! "$python" -c "import pandas, matplotlib" 2>/dev/null; then
    python=/usr/bin/python3
    if ! "$python" -c "import pandas, matplotlib" 2>/dev/null; then
        apt-get update
        apt-get install -y --no-install-recommends python3-pandas python3-matplotlib
    fi
fi

cargo build --quiet
fynd=$PWD/target/debug/fynd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$fynd" index corpus/projektbanken --index "$work/index" >/dev/null
"$fynd" search "" --index "$work/index" --format csv >"$work/hits.csv"
awk '/<!-- recipe: pandas -->/ { found = 1; next }
     found && /^```python/ { inside = 1; next }
     inside && /^```/ { exit }
     inside' README.md >"$work/recipe.py"
test -s "$work/recipe.py" || { echo "README has no pandas recipe"; exit 1; }

cd "$work"
MPLBACKEND=Agg "$python" - <<'PY'
import csv
import runpy

ns = runpy.run_path("recipe.py")
with open("hits.csv", newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
by_year = {}
for row in rows:
    if row["start"] and row["granted"]:
        year = int(row["start"][:4])
        count, total = by_year.get(year, (0, 0))
        by_year[year] = (count + 1, total + int(row["granted"]))
per_year = ns["per_year"]
assert {int(y): (int(c), int(s)) for y, c, s in zip(per_year.index, per_year["projekt"], per_year["beviljat_kr"])} == by_year, per_year
counties = ns["per_county"]
assert counties["Jämtland"] == sum("Jämtland" in row["counties"].split("; ") for row in rows), counties
assert "extra.projektnamn_short" in ns["extra"].columns, ns["extra"].columns
assert "owner" in ns["written"].columns, ns["written"].columns
import os
assert os.path.getsize("projekt-per-ar.png") > 1000
print(f"pandas recipe: {len(rows)} records, {len(by_year)} years, chart drawn")
PY
