#!/usr/bin/env python3
"""Regenerates src/analysis/base_lexicon_hunspell_sv.txt.zst, the dictionary part of fynd's
base lexicon, from the Swedish hunspell dictionary (Debian package hunspell-sv, sv_SE by
Göran Andersson, LGPL-3.0; see LICENSES/README.md).

    apt-get install -y hunspell-sv zstd
    python3 scripts/base_lexicon.py [/usr/share/hunspell/sv_SE.dic] [hunspell-sv version]

What is kept of each .dic entry ("word/FLAGS"):
  * words of letters only (a-z, å ä ö é ü and other lower-case letters), lower-case as written:
    an entry with a capital is a name or an abbreviation and is dropped, as are entries with
    digits, hyphens, dots or colons;
  * not entries marked ONLYINCOMPOUND (Z: "arbets", "hälso", linking forms that fynd's
    decompounder derives itself) or FORBIDDENWORD (%);
  * words of two letters only when they are nouns (a definite-form flag: B -et, C -t,
    D -en, E -n, F -ren), since a two-letter word is only ever used as the last part of a
    compound; words of one letter never.
A word gets the mark "<TAB>2" when the dictionary shows it to be a compound whose last part
is a two-letter noun: it ends in such a noun, what stands before is a noun of three letters
or more (as written, or with -a/-e restored, or with a linking -s removed), and the word
inflects as that last part does (its inflection flags are among the last part's: "solel" D
as "el" D; not "handel", which inflects with -n as "hand+el" never would). Only marked
words are split before a two-letter part (see decompound.rs).
"""
import re
import subprocess
import sys

DIC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/hunspell/sv_SE.dic"
VERSION = sys.argv[2] if len(sys.argv) > 2 else "1:7.5.0-1"
OUT = "src/analysis/base_lexicon_hunspell_sv.txt.zst"

NOUN_FLAGS = set("BCDEF")
# Flags that say how a word compounds, not how it inflects.
COMPOUND_FLAGS = set("XYUZW")
LETTERS = re.compile(r"[a-zåäöéüèàáæøç]+")

entries = {}
with open(DIC, encoding="utf-8") as dic:
    next(dic)  # the entry count
    for line in dic:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, flags = line.partition("/")
        if not LETTERS.fullmatch(word):
            continue
        entries.setdefault(word, set()).update(flags)


def usable(word):
    flags = entries.get(word)
    return flags is not None and "Z" not in flags and "%" not in flags


def noun(word):
    return usable(word) and bool(entries[word] & NOUN_FLAGS)


def inflection(flags):
    return {f for f in flags if f.isupper()} - COMPOUND_FLAGS


words = sorted(
    w for w in entries if usable(w) and (len(w) >= 3 or (len(w) == 2 and noun(w)))
)
heads = [w for w in words if len(w) == 2]


def two_letter_head(word):
    own = inflection(entries[word])
    if len(word) < 5 or not own:
        return False
    for head in heads:
        if not word.endswith(head):
            continue
        first = word[:-2]
        candidates = [first, first + "a", first + "e"]
        if first.endswith("s"):
            candidates += [first[:-1], first[:-1] + "e"]
        if any(len(c) >= 3 and noun(c) for c in candidates) and own <= inflection(
            entries[head]
        ):
            return True
    return False


lines = [
    "| fynd's dictionary base lexicon: the Swedish hunspell dictionary sv_SE (Göran Andersson,",
    f"| 2003-2014), from the Debian package hunspell-sv {VERSION}, licensed LGPL-3.0",
    "| (LICENSES/README.md). Processed by scripts/base_lexicon.py: lower-case words of",
    "| letters only, one a line; '\\t2' marks a compound of a two-letter last part.",
]
marked = 0
for w in words:
    if two_letter_head(w):
        lines.append(w + "\t2")
        marked += 1
    else:
        lines.append(w)
text = ("\n".join(lines) + "\n").encode("utf-8")
compressed = subprocess.run(
    ["zstd", "-19", "-q", "-c"], input=text, capture_output=True, check=True
).stdout
with open(OUT, "wb") as out:
    out.write(compressed)
print(f"{len(words)} words ({marked} marked), {len(text)} bytes, {len(compressed)} compressed")
