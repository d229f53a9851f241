#!/usr/bin/env bash
# README's pandas and R recipes, run as the README writes them: indexes corpus/projektbanken
# into a temporary folder, exports every record to hits.csv, runs the ```python block that
# follows the "recipe: pandas" marker in README.md and the ```r block that follows the
# "recipe: R" marker, and checks what each computed against the CSV read with python3's own
# csv module, and that each drew its chart. Installs Debian's python3-pandas,
# python3-matplotlib and r-base-core if they are missing (apt-get, as root). Exits non-zero
# on any failure.
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
# Base R is all the R recipe uses.
if ! command -v Rscript >/dev/null; then
    apt-get update
    apt-get install -y --no-install-recommends r-base-core
fi

cargo build --quiet
fynd=$PWD/target/debug/fynd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$fynd" index corpus/projektbanken --index "$work/index" >/dev/null
"$fynd" search "" --index "$work/index" --format csv >"$work/hits.csv"
# The fenced block of language $2 after the marker $1.
recipe() {
    awk -v marker="<!-- recipe: $1 -->" -v fence="^\`\`\`$2\$" '
        $0 == marker { found = 1; next }
        found && $0 ~ fence { inside = 1; next }
        inside && /^```/ { exit }
        inside' README.md
}
recipe pandas python >"$work/recipe.py"
recipe R r >"$work/recipe.R"
test -s "$work/recipe.py" || { echo "README has no pandas recipe"; exit 1; }
test -s "$work/recipe.R" || { echo "README has no R recipe"; exit 1; }

cd "$work"
# What both recipes must find, from the CSV read with the csv module: projects and granted
# kronor per start year, projects in Jämtland, and the extra columns.
"$python" - <<'PY'
import csv

with open("hits.csv", newline="", encoding="utf-8") as f:
    reader = csv.DictReader(f)
    rows = list(reader)
    header = reader.fieldnames
by_year = {}
for row in rows:
    if row["start"] and row["granted"]:
        year = int(row["start"][:4])
        count, total = by_year.get(year, (0, 0))
        by_year[year] = (count + 1, total + int(row["granted"]))
extra = [c for c in header if c.startswith("extra.")]
assert "extra.projektnamn_short" in extra, header
jamtland = sum("Jämtland" in row["counties"].split("; ") for row in rows)
with open("expected-years.tsv", "w", encoding="utf-8") as f:
    f.write("year\tprojekt\tbeviljat_kr\n")
    for year, (count, total) in sorted(by_year.items()):
        f.write(f"{year}\t{count}\t{total}\n")
with open("expected-extra.txt", "w", encoding="utf-8") as f:
    f.write("\n".join(extra) + "\n")
with open("expected-jamtland.txt", "w", encoding="utf-8") as f:
    f.write(f"{jamtland}\n")
print(f"expected: {len(rows)} records, {len(by_year)} years, {len(extra)} extra columns")
PY

MPLBACKEND=Agg "$python" - <<'PY'
import os
import runpy

ns = runpy.run_path("recipe.py")
expected = {}
with open("expected-years.tsv", encoding="utf-8") as f:
    next(f)
    for line in f:
        year, count, total = line.split("\t")
        expected[int(year)] = (int(count), int(total))
per_year = ns["per_year"]
got = {int(y): (int(c), int(s)) for y, c, s in zip(per_year.index, per_year["projekt"], per_year["beviljat_kr"])}
assert got == expected, per_year
jamtland = int(open("expected-jamtland.txt", encoding="utf-8").read())
assert ns["per_county"]["Jämtland"] == jamtland, ns["per_county"]
extra = open("expected-extra.txt", encoding="utf-8").read().split()
assert ns["extra"].columns.tolist() == extra, ns["extra"].columns
assert "owner" in ns["written"].columns, ns["written"].columns
assert os.path.getsize("projekt-per-ar.png") > 1000
os.remove("projekt-per-ar.png")
print(f"pandas recipe: {len(expected)} years, chart drawn")
PY

Rscript --vanilla - <<'R'
recipe <- new.env()
sys.source("recipe.R", envir = recipe)
expected <- read.delim("expected-years.tsv", colClasses = "character")
per_year <- recipe$per_year
stopifnot(
  identical(rownames(per_year), expected$year),
  identical(as.numeric(per_year$projekt), as.numeric(expected$projekt)),
  identical(as.numeric(per_year$beviljat_kr), as.numeric(expected$beviljat_kr))
)
jamtland <- as.integer(readLines("expected-jamtland.txt"))
stopifnot(recipe$per_county[["Jämtland"]] == jamtland)
extra <- readLines("expected-extra.txt", encoding = "UTF-8")
stopifnot(identical(names(recipe$extra), extra))
stopifnot(file.size("projekt-per-ar.png") > 1000)
cat(sprintf("R recipe: %d years, %d records in Jämtland, chart drawn\n", nrow(per_year), jamtland))
R
