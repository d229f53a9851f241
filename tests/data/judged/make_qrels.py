"""Writes qrels.tsv from the judgement files and corpus/ (Python 3 standard library only):

    python3 tests/data/judged/make_qrels.py

Columns: query, set (compound | part), record id, label.
- compound set: `relevant` when the record holds a word type judged yes in
  compound_words.tsv or a window judged yes in compound_windows.tsv; `nonrelevant` for the
  rest of the pool (records holding a judged word type, a judged window, or forms of all
  the parts anywhere).
- part set: `relevant` when the record holds a word type judged yes in part_words.tsv;
  `probe` when it holds the query's stem only in word types judged no (look-alikes).
  part_records.tsv overrules single records that were read.
Fails if the corpus holds a word type or window that has no judgement (or the other way
round), so the sets cannot silently drift from corpus/. Prints counts per query."""

import os
import sys
from collections import defaultdict

from judged import HERE, Corpus, part_forms, queries, rows


def main():
    corpus = Corpus()
    forms = part_forms()
    word_labels = defaultdict(dict)
    for row in rows("compound_words.tsv") + rows("part_words.tsv"):
        word_labels[row[0]][row[1]] = row[3]
    window_labels = defaultdict(dict)
    for row in rows("compound_windows.tsv"):
        window_labels[row[0]][(row[1], int(row[2]), int(row[3]))] = row[6]
    overrides = defaultdict(dict)
    for row in rows("part_records.tsv"):
        overrides[row[0]][row[1]] = row[2]
    problems = []
    out = []
    for query, kind, _origin, stems, parts in queries():
        types = corpus.types_containing(stems)
        judged = word_labels[query]
        if set(types) != set(judged):
            problems.append("%s: word types unjudged %s, judged but absent %s" % (
                query, sorted(set(types) - set(judged)), sorted(set(judged) - set(types))))
        yes_types = [t for t in types if judged.get(t) == "yes"]
        no_types = [t for t in types if judged.get(t) == "no"]
        holding = lambda ts: set().union(*(corpus.holders[t] for t in ts)) if ts else set()
        if kind == "compound":
            windows = corpus.windows(forms[parts[0]], forms[parts[1]])
            wj = window_labels[query]
            if set(windows) != set(wj):
                problems.append("%s: windows unjudged %s, judged but absent %s" % (
                    query, sorted(set(windows) - set(wj))[:5], sorted(set(wj) - set(windows))[:5]))
            relevant = holding(yes_types) | {w[0] for w in windows if wj.get(w) == "yes"}
            pool = holding(types) | {w[0] for w in windows}
            pool |= corpus.holding_all([forms[p] for p in parts])
            labels = {r: "relevant" for r in relevant}
            labels.update({r: "nonrelevant" for r in pool - relevant})
            print("%-24s compound relevant %4d  pool %4d" % (query, len(relevant), len(pool)))
        else:
            relevant = holding(yes_types)
            probe = holding(no_types) - relevant
            for rid, label in overrides[query].items():
                if label == "no" and rid in relevant:
                    relevant.discard(rid)
                    probe.add(rid)
            labels = {r: "relevant" for r in relevant}
            labels.update({r: "probe" for r in probe})
            print("%-24s part     relevant %4d  probe %4d" % (query, len(relevant), len(probe)))
        for rid in sorted(labels):
            out.append("%s\t%s\t%s\t%s" % (query, kind, rid, labels[rid]))
    if problems:
        sys.exit("\n".join(problems))
    with open(os.path.join(HERE, "qrels.tsv"), "w", encoding="utf-8") as f:
        f.write("# query\tset\trecord id\tlabel (written by make_qrels.py; do not edit)\n")
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
