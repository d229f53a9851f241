"""The searchable text of every record in corpus/, read straight from the files (Python 3
standard library only, no fynd): title, description, owner and municipalities of the
2,497 project-bank records; for the five seed documents, whose layout takes fynd's ingest to
read, the same fields as `fynd show ID --json` gave them, kept in seeds.jsonl. Words are
maximal runs of letters and digits, lower-cased."""

import csv
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
WORD = re.compile(r"[^\W_]+")


def records(root=ROOT):
    """Yields (id, text) for every record of corpus/."""
    bank = os.path.join(root, "corpus", "projektbanken")
    with open(os.path.join(bank, "projektbanken-2014-2020.json"), encoding="utf-8") as f:
        for row in json.load(f):
            parts = [row.get("projektnamn"), row.get("projektbeskrivning"),
                     row.get("stödmottagare"), row.get("kommuner")]
            yield str(row["ärende-id"]), "\n".join(p for p in parts if p)
    csv.field_size_limit(10_000_000)
    with open(os.path.join(bank, "projektbanken-2007-2013.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            parts = [row.get("projektnamn"), row.get("projektbeskrivning"),
                     row.get("stodmottagare"), row.get("kommun_fordelning")]
            yield row["arende_id"], "\n".join(p for p in parts if p)
    with open(os.path.join(HERE, "seeds.jsonl"), encoding="utf-8") as f:
        for line in f:
            seed = json.loads(line)
            parts = [seed["title"], seed["body"], seed["owner"] or ""]
            parts += seed["partners"] + seed["municipalities"]
            yield seed["id"], "\n".join(p for p in parts if p)


def words(text):
    """The words of `text`, lower-cased, in order."""
    return [w.lower() for w in WORD.findall(text)]
