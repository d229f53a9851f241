#!/usr/bin/env bash
# Lucene 10.5 on the judged sets of tests/data/judged/ (see README.md beside this file):
# every record of corpus/ indexed with SwedishAnalyzer's chain, with and without dictionary
# decompounding (the hunspell-sv word list), each judged query parsed by QueryParser with
# the same analyzer, the whole match set scored against qrels.tsv. Prints the tables and
# saves them as WORK/report.txt.
#
#   benches/peers/judged/run.sh
#
# Environment: WORK (default target/peers-judged), CHAINS (default
# "swedish decompound decompound-longest decompound-nosub"), JAVA_HOME (a JDK of Java 21 or
# newer; default: /usr/lib/jvm/temurin-25-jdk-amd64 when present). Needs python3 and pip.
# Installs with apt-get when missing (as root, or through sudo): hunspell-sv, and a JDK >= 21
# when none is found (openjdk-25-jdk-headless, else openjdk-21-jdk-headless). Lucene comes
# from the Anserini fat jar inside the pyserini 2.4.0 source distribution (pip download).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
WORK=${WORK:-$ROOT/target/peers-judged}
CHAINS=${CHAINS:-swedish decompound decompound-longest decompound-nosub}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

say() { printf '== %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
APT_UPDATED=
apt_install() {
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

. "$HERE/../lucene10.sh"

say "JDK"
JDK=$(lucene10_jdk)
"$JDK/bin/java" -version 2>&1 | head -1 >&2

say "hunspell-sv word list"
[ -s /usr/share/hunspell/sv_SE.dic ] || apt_install hunspell-sv
python3 "$HERE/prepare.py" words /usr/share/hunspell/sv_SE.dic "$WORK/sv-words.txt"

say "Lucene: the Anserini fat jar of pyserini $PYSERINI_VERSION"
JAR=$(lucene10_jar "$WORK")
echo "$JAR" >&2

say "records"
python3 "$HERE/prepare.py" records "$WORK/records.tsv"

say "compile and run"
rm -rf "$WORK/classes" && mkdir -p "$WORK/classes"
"$JDK/bin/javac" -nowarn -d "$WORK/classes" -cp "$JAR" "$HERE/JudgedLucene.java"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB; $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
  echo "java: $("$JDK/bin/java" -version 2>&1 | head -1); jar: $(basename "$JAR")"
  # The vectorization notice on stderr is Lucene's and harmless: no vector search here.
  "$JDK/bin/java" -Xmx2g -cp "$JAR:$WORK/classes" JudgedLucene "$WORK/records.tsv" "$WORK/sv-words.txt" \
    "$ROOT/tests/data/judged/qrels.tsv" "$WORK/out" $CHAINS 2> >(grep -v -i -E 'vector|VectorizationProvider' >&2)
  echo
  echo "per-query hit lists: $WORK/out/hits-CHAIN.tsv; parsed queries: $WORK/out/parsed-CHAIN.tsv"
} | tee "$WORK/report.txt"
