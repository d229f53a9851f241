"""Draws the candidate queries of the judged sets from the corpus vocabulary, by a fixed
rule and seed, so the sets are not picked by taste. Prints two numbered lists; which
candidates were kept and why the others were not is written in README.md and queries.tsv.

    python3 tests/data/judged/sample.py

Compound candidates: lower-cased word types of letters only, at least 12 letters long,
found in 3 to 150 records. Part candidates: word types of 3 to 8 letters found as a word of
their own in at least 3 records and inside at least 3 other word types. Each list is
sorted, then shuffled with random.Random(SEED)."""

import random
from collections import Counter

from corpus_text import records, words

SEED = 24
SHOWN = 100


def main():
    df = Counter()
    for _, text in records():
        df.update(set(w for w in words(text) if w.isalpha()))
    types = sorted(df)
    compounds = sorted(w for w in types if len(w) >= 12 and 3 <= df[w] <= 150)
    random.Random(SEED).shuffle(compounds)
    print("# compound candidates (%d in all)" % len(compounds))
    for n, w in enumerate(compounds[:SHOWN], 1):
        print("%d\t%s\t%d" % (n, w, df[w]))
    short = [w for w in types if 3 <= len(w) <= 8 and df[w] >= 3]
    parts = []
    for w in short:
        inside = sum(1 for t in types if w in t and t != w)
        if inside >= 3:
            parts.append(w)
    parts.sort()
    random.Random(SEED).shuffle(parts)
    print("# part candidates (%d in all)" % len(parts))
    for n, w in enumerate(parts[:SHOWN], 1):
        print("%d\t%s\t%d" % (n, w, df[w]))


if __name__ == "__main__":
    main()
