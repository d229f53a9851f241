"""Writes the inputs of JudgedLucene.java:

    python3 prepare.py records OUT.tsv   # id TAB text of every record (corpus_text.py)
    python3 prepare.py words DIC OUT.txt # the hunspell .dic's words: /FLAGS stripped,
                                         # lower-case alphabetic words of >= 3 letters
"""

import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "data", "judged"))


def records(out):
    import corpus_text

    seen = set()
    with open(out, "w", encoding="utf-8") as f:
        for rid, text in corpus_text.records(ROOT):
            assert rid not in seen, f"duplicate record id {rid}"
            seen.add(rid)
            # One text field: title, description, owner, municipalities joined; tabs and line
            # breaks become spaces (StandardTokenizer splits on both alike).
            flat = " ".join(text.replace("\t", " ").splitlines())
            f.write(f"{rid}\t{flat}\n")
    print(f"{len(seen)} records -> {out}", file=sys.stderr)


def words(dic, out):
    kept = set()
    with open(dic, encoding="utf-8") as f:
        next(f)  # the word count
        for line in f:
            word = line.rstrip("\n").split("/", 1)[0].strip()
            if len(word) >= 3 and word.isalpha() and word == word.lower():
                kept.add(word)
    with open(out, "w", encoding="utf-8") as f:
        for word in sorted(kept):
            f.write(word + "\n")
    print(f"{len(kept)} words -> {out}", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1] == "records":
        records(sys.argv[2])
    elif sys.argv[1] == "words":
        words(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
