"""Shared reading of the judged sets: the queries, the parts' word forms, the corpus's word
types and windows, and the judgement files (Python 3 standard library only)."""

import csv
import os
from collections import defaultdict

from corpus_text import HERE, records, words

WINDOW = 4  # the parts must stand within a span of at most this many words


def rows(name):
    """The rows of a TSV file here, without comment lines."""
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#") and line.strip()]
    return list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def queries():
    """[(query, set, origin, stems, parts)]."""
    out = []
    for row in rows("queries.tsv"):
        row += [""] * (5 - len(row))
        query, kind, origin, stems, parts = row[:5]
        out.append((query, kind, origin, stems.split(), [p for p in parts.split("+") if p]))
    return out


def part_forms(family=True):
    """{part: set of its forms as a word of its own}: its inflected forms and, with `family`,
    the added forms of its word family (the third column of part_forms.tsv: the verb of a
    part derived from a verb), which the windows are pooled with."""
    out = {}
    for row in rows("part_forms.tsv"):
        row += [""] * (3 - len(row))
        out[row[0]] = set(row[1].split()) | (set(row[2].split()) if family else set())
    return out


class Corpus:
    """Every record's words, and which records hold each word type."""

    def __init__(self):
        self.words = {}
        self.holders = defaultdict(set)
        for rid, text in records():
            ws = words(text)
            self.words[rid] = ws
            for w in ws:
                self.holders[w].add(rid)

    def types_containing(self, stems):
        """Word types containing any of the stems, sorted."""
        return sorted(t for t in self.holders if any(s in t for s in stems))

    def windows(self, forms_a, forms_b):
        """Every (record, start, end) where a form of each part stands within WINDOW words
        (either order), start and end being the word positions of the two parts."""
        out = []
        for rid in sorted(self.words):
            ws = self.words[rid]
            at_a = [i for i, w in enumerate(ws) if w in forms_a]
            if not at_a:
                continue
            at_b = [i for i, w in enumerate(ws) if w in forms_b]
            for i in at_a:
                for j in at_b:
                    if i != j and abs(i - j) < WINDOW:
                        out.append((rid, min(i, j), max(i, j)))
        return out

    def holding_all(self, form_sets):
        """Records holding some form of every part, anywhere."""
        sets = [set().union(*(self.holders.get(f, set()) for f in forms)) for forms in form_sets]
        return set.intersection(*sets) if sets else set()
