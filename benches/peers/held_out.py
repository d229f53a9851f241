#!/usr/bin/env python3
"""A query mix drawn from a corpus by rule, for checking that the side-by-side's figures do
not depend on the hand-picked words of benches/queries.txt.

    python3 benches/peers/held_out.py RECORDS.jsonl OUT.txt [SEED]

Every class of benches/queries.txt, with the same options, its words chosen from the
records' own document frequencies (lower-cased words of letters, title and body):

- rare_word: words in 0.3–1.2 % of the records; few_hits: words of 12 letters or more in
  0.01–0.05 %; common_word: words in 40 % or more; compound: words of 15 letters or more
  in 2–15 %; compound_part: words of 6–10 letters in 10–40 %;
- typo: a word of 9 letters or more in 5 % or more with one inner letter dropped;
  no_hits: such a word with one inner letter dropped and one doubled, at least two edits
  from every corpus word (fynd corrects a word one edit from one);
- phrase: two-word sequences of the body whose words are both in 5 % or more, among the
  most frequent such pairs (counted in every tenth record);
- boolean, facet_filter, facet_sidebar, range_filter, sorted, facet_counts, snippets:
  words of the classes above with the records' most frequent fund and regions, budget and
  grant quartiles and start years.

The choice within each band is a seeded random draw (SEED, default 7), so another seed
gives another held-out set of the same shape.
"""

import collections
import json
import random
import re
import sys

WORD = re.compile(r"[a-zåäöéü]+")


LETTERS = "abcdefghijklmnopqrstuvwxyzåäöé"


def one_edit(word):
    """Every spelling one edit from `word`: a letter dropped, changed, added or two swapped."""
    cut = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in cut if b}
        | {a + c + b[1:] for a, b in cut if b for c in LETTERS}
        | {a + c + b for a, b in cut for c in LETTERS}
        | {a + b[1] + b[0] + b[2:] for a, b in cut if len(b) > 1}
    )


def draw(rng, words, n):
    words = sorted(words)
    rng.shuffle(words)
    return words[:n]


def main():
    records_path, out_path = sys.argv[1], sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    df = collections.Counter()
    pairs = collections.Counter()
    funds, regions = collections.Counter(), collections.Counter()
    budgets, granted, starts = [], [], []
    n = 0
    for line in open(records_path, encoding="utf-8"):
        record = json.loads(line)
        n += 1
        text = (record.get("title", "") + "\n" + record.get("body", "")).lower()
        words = WORD.findall(text)
        df.update(set(words))
        if n % 10 == 1:
            body = WORD.findall(record.get("body", "").lower())
            pairs.update(set(zip(body, body[1:])))
        if record.get("fund"):
            funds[record["fund"]] += 1
        if record.get("region"):
            regions[record["region"]] += 1
        if record.get("budget"):
            budgets.append(record["budget"])
        if record.get("granted"):
            granted.append(record["granted"])
        if record.get("start"):
            starts.append(int(record["start"][:4]))

    def band(lo, hi, min_len=1, max_len=99):
        return [w for w, c in df.items() if lo <= c / n < hi and min_len <= len(w) <= max_len]

    rare = draw(rng, band(0.003, 0.012, 7), 6)
    few = draw(rng, band(0.0001, 0.0005, 12), 5)
    common = draw(rng, band(0.4, 1.01, 5), 6)
    compound = draw(rng, band(0.02, 0.15, 15), 6)
    parts = draw(rng, band(0.1, 0.4, 6, 10), 8)
    long_common = draw(rng, band(0.05, 1.01, 9), 40)
    typos, no_hits = [], []
    for w in long_common:
        i = rng.randrange(2, len(w) - 2)
        dropped = w[:i] + w[i + 1:]
        j = rng.randrange(2, len(dropped) - 1)
        twice = dropped[:j] + dropped[j] + dropped[j:]
        if dropped not in df and len(typos) < 5:
            typos.append(dropped)
        elif len(no_hits) < 5 and not (one_edit(twice) | {twice}) & df.keys():
            no_hits.append(twice)
    frequent = {w for w, c in df.items() if c / n >= 0.05 and len(w) >= 4}
    phrases = [p for p, _ in pairs.most_common(2000) if p[0] in frequent and p[1] in frequent]
    phrases = ['"%s %s"' % p for p in draw(rng, phrases[:200], 5)]
    fund = funds.most_common(2)
    region = [r for r, _ in regions.most_common(3)]
    budgets.sort()
    granted.sort()
    starts.sort()
    q = lambda values, f: values[int(len(values) * f)] if values else 0
    mid = draw(rng, band(0.05, 0.3, 6), 12)

    lines = []
    add = lambda cls, *parts: lines.append(" | ".join((cls,) + parts))
    for w in rare:
        add("rare_word", w)
    for w in few:
        add("few_hits", w)
    for w in typos:
        add("typo", w)
    for w in no_hits:
        add("no_hits", w)
    for w in common:
        add("common_word", w)
    for w in compound:
        add("compound", w)
    for w in parts:
        add("compound_part", w)
    for p in phrases:
        add("phrase", p)
    add("boolean", "%s OR %s" % (rare[0], rare[1]))
    add("boolean", "%s -%s" % (mid[0], common[0]))
    add("boolean", "(%s OR %s OR %s) %s" % (rare[2], rare[3], rare[4], mid[1]))
    add("boolean", "%s AND %s" % (mid[2], mid[3]))
    add("boolean", "%s OR %s" % (mid[4], mid[5]))
    filters = [
        (mid[6], ["filter=fund=%s" % fund[0][0]]),
        (common[1], ["filter=region=%s" % region[0]]),
        (mid[7], ["filter=fund=%s" % fund[-1][0], "filter=region=%s" % region[1]]),
        (compound[0], ["filter=region=%s" % region[2]]),
    ]
    for w, f in filters:
        add("facet_filter", w, *f, "counts=hits")
    for w, f in filters:
        add("facet_sidebar", w, *f)
    add("range_filter", mid[8], "budget=>=%d" % q(budgets, 0.75))
    add("range_filter", common[2], "start=[%d-01-01 TO %d-12-31]" % (q(starts, 0.3), q(starts, 0.5)))
    add("range_filter", mid[9], "granted=[%d TO %d]" % (q(granted, 0.25), q(granted, 0.5)))
    add("range_filter", mid[10], "start=>=%d" % q(starts, 0.8))
    add("sorted", mid[11], "sort=start:desc")
    add("sorted", common[3], "sort=budget:desc")
    add("sorted", parts[0], "sort=end:asc")
    facets = "facets=fund,region,year,programme_area,owner"
    add("facet_counts", parts[1], facets)
    add("facet_counts", common[4], facets)
    add("facet_counts", "", facets)
    add("snippets", parts[2], "passages")
    add("snippets", compound[1], "passages")
    add("snippets", phrases[0], "passages")
    add("snippets", rare[5], "passages")
    with open(out_path, "w", encoding="utf-8") as out:
        out.write("# Drawn by benches/peers/held_out.py from %s (%d records)\n" % (records_path, n))
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
