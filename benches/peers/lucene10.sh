# Lucene 10.5 for the peer benchmarks, sourced by benches/peers/run.sh and
# benches/peers/judged/run.sh (which define say, as_root and apt_install):
#   lucene10_jdk        prints a JDK of Java 21 or newer (Lucene 10 needs 21): JAVA_HOME, the
#                       Temurin 25 JDK these machines carry beside the default Java 17, or an
#                       installed one; installs openjdk-25 (else 21) with apt-get if none.
#   lucene10_jar DIR    prints the Anserini fat jar (Lucene 10.5 core, analysis-common,
#                       queryparser, facet) of the pyserini 2.4.0 source distribution, fetched
#                       with pip download into DIR the first time.
PYSERINI_VERSION=2.4.0

lucene10_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

lucene10_find_jdk() {
  local d v
  for d in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 \
           /usr/lib/jvm/java-21-openjdk-amd64 /usr/lib/jvm/*; do
    [ -n "$d" ] && [ -x "$d/bin/javac" ] || continue
    v=$(lucene10_java_major "$d")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ]; then echo "$d"; return 0; fi
  done
  return 1
}

lucene10_jdk() {
  lucene10_find_jdk && return 0
  apt_install openjdk-25-jdk-headless || apt_install openjdk-21-jdk-headless || true
  lucene10_find_jdk || { echo "no JDK of Java 21 or newer found or installable" >&2; return 1; }
}

lucene10_jar() {
  local dir=$1 jar sdist member
  jar=$(ls "$dir"/anserini-*-fatjar.jar 2>/dev/null | head -1 || true)
  if [ -z "$jar" ]; then
    rm -rf "$dir/pyserini" && mkdir -p "$dir/pyserini"
    python3 -m pip download --quiet --no-deps --ignore-requires-python "pyserini==$PYSERINI_VERSION" \
      -d "$dir/pyserini" >&2 || return 1
    sdist=$(ls "$dir"/pyserini/pyserini-*.tar.gz)
    member=$(tar tzf "$sdist" | grep -E '/anserini-[^/]*-fatjar\.jar$' | head -1)
    [ -n "$member" ] || { echo "no anserini fat jar in $sdist" >&2; return 1; }
    tar xzf "$sdist" -C "$dir/pyserini" "$member" && mv "$dir/pyserini/$member" "$dir/" || return 1
    rm -rf "$dir/pyserini"
    jar=$(ls "$dir"/anserini-*-fatjar.jar | head -1)
  fi
  echo "$jar"
}
