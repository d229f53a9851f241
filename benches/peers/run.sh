#!/usr/bin/env bash
# The side-by-side: one generated corpus and one query mix through fynd, Lucene, SQLite FTS5
# and PostgreSQL full-text search, on this machine, one after the other; prints one table
# (also saved as WORK/report.md).
#
#   benches/peers/run.sh [DOCS]          (default 100000)
#
# Environment: WORK (default target/peers/DOCS), ROUNDS (timed rounds, default 5), WARMUP
# (default 2), PASSES (query passes per engine, default 1: after indexing, fynd and Lucene
# time their queries again, taking turns, and the table gives each class's median over the
# passes, so a slow stretch of a shared machine falls on both), SEED (default 1), ENGINES (default "fynd lucene sqlite postgres"; also "lucene-plain", Lucene with SwedishAnalyzer's chain alone, no decompounding), PGPORT
# (default 54329), QUERIES (the query mix, default benches/queries.txt; `held-out` draws
# one from the generated records by rule with benches/peers/held_out.py, seeded by
# QUERY_SEED, default 7), QUERY_THREADS (threads one query may use in fynd and Lucene, default: the
# cores; run once with 1 and once with 2 for the two columns docs/BENCHMARKS.md asks for; PostgreSQL gets as many parallel workers; SQLite has one thread). Needs: a Rust toolchain, python3; installs with apt-get when missing (as
# root, or through sudo): time, hunspell-sv, a JDK of Java 21 or newer (see
# benches/peers/lucene10.sh: Lucene 10.5 comes from the Anserini fat jar of pyserini 2.4.0),
# postgresql. A peer that cannot be installed or run is named and left out; the others are
# still reported. PostgreSQL runs as a throwaway cluster in WORK/pgdata listening on
# 127.0.0.1 only, stopped when the script ends.
set -uo pipefail

DOCS=${1:-100000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$ROOT/target/peers/$DOCS}
ROUNDS=${ROUNDS:-5}
WARMUP=${WARMUP:-2}
PASSES=${PASSES:-1}
SEED=${SEED:-1}
QUERIES=${QUERIES:-$ROOT/benches/queries.txt}
QUERY_SEED=${QUERY_SEED:-7}
ENGINES=${ENGINES:-fynd lucene sqlite postgres}
PGPORT=${PGPORT:-54329}
PEERS="$ROOT/benches/peers/peers.py"
FYND="$ROOT/target/release/fynd"
THREADS=$(nproc)
QUERY_THREADS=${QUERY_THREADS:-$THREADS}
mkdir -p "$WORK/ids"
WORK=$(cd "$WORK" && pwd)

say() { printf '\n== %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
APT_UPDATED=
apt_install() {
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq || return 1; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}
peak_rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
now() { date +%s.%N; }
elapsed() { python3 -c "print($2 - $1)"; }

say "machine"
{
  echo "cores: $(nproc); memory: $(free -g | awk '/Mem:/ {print $2}') GB"
  grep -m1 'model name' /proc/cpuinfo | sed 's/.*: /CPU: /'
  echo "load average at the start (other work on the machine): $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$WORK/machine.txt" >&2

[ -x /usr/bin/time ] || apt_install time || { echo "/usr/bin/time is missing and cannot be installed" >&2; exit 1; }

say "building fynd (release)"
(cd "$ROOT" && cargo build --release --quiet) || exit 1

if [ ! -s "$WORK/gen.json" ] || [ ! -s "$WORK/records.jsonl" ]; then
  say "generating $DOCS documents"
  rm -rf "$WORK/corpus"
  "$FYND" gen-corpus --docs "$DOCS" --out "$WORK/corpus" --seed "$SEED" \
    --records "$WORK/records.jsonl" --json > "$WORK/gen.json" || exit 1
fi
RAW=$(python3 -c "import json; print(json.load(open('$WORK/gen.json'))['bytes'])")
if [ "$QUERIES" = held-out ]; then
  say "drawing a held-out query mix from the records (benches/peers/held_out.py, seed $QUERY_SEED)"
  QUERIES="$WORK/queries-held-out.txt"
  python3 "$ROOT/benches/peers/held_out.py" "$WORK/records.jsonl" "$QUERIES" "$QUERY_SEED" || exit 1
fi
python3 "$PEERS" prepare "$WORK" "$WORK/records.jsonl" "$QUERIES" || exit 1
PROBES=$(python3 -c "import json; print(' '.join(q['query'] for q in json.load(open('$WORK/peer-mix.json')) if q['class']=='compound_part'))")
rm -f "$WORK"/result-*.json "$WORK"/rss-*.txt "$WORK"/ids/*

run_fynd() {
  rm -rf "$WORK/fynd-index"
  local start end
  start=$(now)
  /usr/bin/time -v -o "$WORK/time-fynd.txt" "$FYND" index "$WORK/corpus/docs" \
    --index "$WORK/fynd-index" --json > "$WORK/fynd-index.json" || return 1
  end=$(now)
  peak_rss "$WORK/time-fynd.txt" > "$WORK/rss-fynd.txt"
  "$FYND" bench --index "$WORK/fynd-index" --rounds "$ROUNDS" --warmup "$WARMUP" \
    --threads "$QUERY_THREADS" --queries "$QUERIES" --json \
    > "$WORK/fynd-bench.json" || return 1
  for p in $PROBES; do
    "$FYND" search "$p" --index "$WORK/fynd-index" --format jsonl \
      | python3 -c 'import sys, json; [print(json.loads(l)["id"]) for l in sys.stdin]' \
      > "$WORK/ids/fynd-$p.txt" || return 1
  done
  python3 "$PEERS" fynd-result "$WORK" "$WORK/fynd-bench.json" "$(elapsed "$start" "$end")" "$WORK/fynd-index.json"
  # The same stream as commands, each a fresh process: what typing `fynd search` costs.
  python3 "$PEERS" fynd-fresh "$WORK" "$FYND" "$ROUNDS" "$QUERIES"
}

# A further query pass on fynd's index: result-fynd-passN.json.
pass_fynd() {
  "$FYND" bench --index "$WORK/fynd-index" --rounds "$ROUNDS" --warmup "$WARMUP" \
    --threads "$QUERY_THREADS" --queries "$QUERIES" --json > "$WORK/fynd-bench-pass$1.json" || return 1
  python3 "$PEERS" fynd-result "$WORK" "$WORK/fynd-bench-pass$1.json" 0 "$WORK/fynd-index.json" \
    "result-fynd-pass$1.json"
}

# Lucene 10.5 from the Anserini fat jar, on a JDK of Java 21 or newer (benches/peers/lucene10.sh).
. "$ROOT/benches/peers/lucene10.sh"
LUCENE_JDK=
LUCENE_JAR=
lucene_setup() {
  [ -n "$LUCENE_JAR" ] && return 0
  LUCENE_JDK=$(lucene10_jdk) || return 1
  LUCENE_JAR=$(lucene10_jar "$ROOT/target/lucene10") || return 1
}
lucene_classpath() { echo "$WORK/java:$LUCENE_JAR"; }
# Lucene 10 decodes postings and scores with the Java Vector API when its module is readable
# (Elasticsearch and OpenSearch enable it); without it Lucene warns and runs slower code.
LUCENE_JAVA_OPTS="--add-modules jdk.incubator.vector"

# Lucene with decompounding ("lucene": DictionaryCompoundWordTokenFilter over hunspell-sv's
# words) or SwedishAnalyzer's chain alone ("lucene-plain", the reference for indexing speed).
lucene_dict() { if [ "$1" = lucene-plain ]; then echo -; else echo "$WORK/sv-words.txt"; fi; }

# A further query pass on a Lucene index (a new JVM, warmed again): result-NAME-passN.json.
pass_lucene_engine() {
  lucene_setup || return 1
  QUERY_ONLY=1 "$LUCENE_JDK/bin/java" -Xms1g -Xmx2g -XX:ActiveProcessorCount="$THREADS" $LUCENE_JAVA_OPTS \
    -cp "$(lucene_classpath)" LuceneBench "$WORK/records.tsv" "$(lucene_dict "$1")" "$WORK/$1-index" \
    "$WORK/specs.tsv" "$ROUNDS" "$WARMUP" "$WORK/ids" "$THREADS" "$QUERY_THREADS" \
    > "$WORK/result-$1-pass$2.json" || return 1
}
pass_lucene() { pass_lucene_engine lucene "$1"; }
pass_lucene-plain() { pass_lucene_engine lucene-plain "$1"; }

run_lucene_engine() {
  lucene_setup || return 1
  [ -s /usr/share/hunspell/sv_SE.dic ] || apt_install hunspell-sv || return 1
  local cp
  cp=$(lucene_classpath)
  # The hunspell word list without its affix flags: lower-case words of three letters or more.
  tail -n +2 /usr/share/hunspell/sv_SE.dic | sed 's,/.*,,' | grep -E '^[a-zåäöéü]{3,}$' | sort -u > "$WORK/sv-words.txt"
  echo "Lucene: $(basename "$LUCENE_JAR") on $("$LUCENE_JDK/bin/java" -version 2>&1 | head -1)" >&2
  mkdir -p "$WORK/java" && "$LUCENE_JDK/bin/javac" -nowarn -d "$WORK/java" -cp "$cp" "$ROOT/benches/peers/LuceneBench.java" || return 1
  rm -rf "$WORK/$1-index"
  /usr/bin/time -v -o "$WORK/time-$1.txt" "$LUCENE_JDK/bin/java" -Xms1g -Xmx2g -XX:ActiveProcessorCount="$THREADS" $LUCENE_JAVA_OPTS \
    -cp "$cp" LuceneBench "$WORK/records.tsv" "$(lucene_dict "$1")" "$WORK/$1-index" \
    "$WORK/specs.tsv" "$ROUNDS" "$WARMUP" "$WORK/ids" "$THREADS" "$QUERY_THREADS" \
    > "$WORK/result-$1.json" || return 1
  peak_rss "$WORK/time-$1.txt" > "$WORK/rss-$1.txt"
}
run_lucene() { run_lucene_engine lucene; }
run_lucene-plain() { run_lucene_engine lucene-plain; }

run_sqlite() {
  /usr/bin/time -v -o "$WORK/time-sqlite.txt" python3 "$PEERS" sqlite "$WORK" "$ROUNDS" "$WARMUP" || return 1
  peak_rss "$WORK/time-sqlite.txt" > "$WORK/rss-sqlite.txt"
}

run_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ]; then
    apt_install postgresql || return 1
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  local pgdata="$WORK/pgdata" user=""
  rm -rf "$pgdata" && mkdir -p "$pgdata"
  # initdb and postgres refuse to run as root: run them as the postgres user.
  : > "$WORK/pg.log"
  if [ "$(id -u)" = 0 ]; then chown postgres "$pgdata" "$WORK/pg.log" && user="runuser -u postgres --"; fi
  $user "$bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null || return 1
  $user "$bin/pg_ctl" -D "$pgdata" -l "$WORK/pg.log" -w start -o \
    "-c listen_addresses=127.0.0.1 -p $PGPORT -c unix_socket_directories=$pgdata -c shared_buffers=1GB -c work_mem=64MB -c maintenance_work_mem=1GB -c max_parallel_workers_per_gather=$THREADS -c max_worker_processes=$THREADS -c fsync=off -c synchronous_commit=off" \
    >/dev/null || return 1
  trap "$user '$bin/pg_ctl' -D '$pgdata' -m fast stop >/dev/null 2>&1" EXIT
  local psql="$bin/psql -h 127.0.0.1 -p $PGPORT -U postgres -d postgres -q -v ON_ERROR_STOP=1"
  python3 "$PEERS" pg-load "$WORK" && python3 "$PEERS" pg-bench "$WORK" "$ROUNDS" "$WARMUP" || return 1
  local start end
  start=$(now)
  $psql -f "$WORK/pg-load.sql" > "$WORK/pg-load.log" || return 1
  end=$(now)
  $psql -At -f "$WORK/pg-bench.sql" > "$WORK/pg-bench.log" || return 1
  python3 "$PEERS" pg-result "$WORK" "$(elapsed "$start" "$end")"
  $user "$bin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null
  trap - EXIT
  rm -rf "$pgdata"
}

for engine in $ENGINES; do
  say "$engine"
  if ( "run_$engine" ); then
    echo "$engine: done" >&2
  else
    echo "$engine: COULD NOT RUN here (see the messages above); left out of the table" >&2
    echo "$engine" >> "$WORK/missing.txt"
  fi
done

# Further query passes, the engines taking turns, on the indexes just built.
for pass in $(seq 2 "$PASSES"); do
  for engine in $ENGINES; do
    case $engine in fynd|lucene|lucene-plain) ;; *) continue ;; esac
    [ -s "$WORK/result-$engine.json" ] || continue
    say "$engine: query pass $pass of $PASSES"
    "pass_$engine" "$pass" || echo "$engine: query pass $pass failed; the table uses the passes that ran" >&2
  done
done

say "report"
{
  cat "$WORK/machine.txt"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "documents: $DOCS (seed $SEED), $ROUNDS timed rounds after $WARMUP warm-up rounds; one query at a time, on up to $QUERY_THREADS threads (SQLite: 1)"
  if [ "$PASSES" -gt 1 ]; then echo "query passes: $PASSES, fynd and Lucene taking turns; latencies are each class's median over the passes"; fi
  echo
  python3 "$PEERS" report "$WORK" "$RAW" "$WORK/corpus/truth.tsv"
  if [ -s "$WORK/missing.txt" ]; then echo; echo "Not run here: $(sort -u "$WORK/missing.txt" | tr '\n' ' ')"; fi
} | tee "$WORK/report.md"
rm -f "$WORK/missing.txt"
