#!/usr/bin/env bash
# What a fresh worker JVM pays for its serialization library (ADR 9), in fresh JVMs
# (dev.weft.bench.SerializationFirstUse): a JVM that only builds the payloads (the floor), then
# Apache Fory (three configurations: default, async compilation, no code generation), Kryo and
# Java serialization each building its codec and round-tripping the first
# batch of 1,000 Integers with a lambda, the first result of 1,000 Longs and a second batch.
# Rounds are interleaved. Prints the medians in ms, the libraries' jar sizes (from ~/.m2) and what
# each library prints on stderr with and without --sun-misc-unsafe-memory-access=allow.
#
#   ./mvnw -B -pl weft-benchmarks -am package -DskipTests
#   weft-benchmarks/scripts/serialization-first-use.sh [ROUNDS]        # default 11
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$root/.mvn/find-jdk.sh"
java="$JAVA_HOME/bin/java"
jar="$root/weft-benchmarks/target/benchmarks.jar"
rounds=${1:-11}
case $rounds in '' | *[!0-9]* | 0) echo "serialization-first-use: ROUNDS must be a positive number" >&2; exit 2 ;; esac
[ -f "$jar" ] || { echo "serialization-first-use: $jar is missing; build it first (see the header)" >&2; exit 2; }
# the flags the benchmark's fork uses: Fory's Unsafe access allowed, Kryo's lambda support opened
flags=(--sun-misc-unsafe-memory-access=allow --add-opens java.base/java.lang.invoke=ALL-UNNAMED)
main=dev.weft.bench.SerializationFirstUse

work=$(mktemp -d "${TMPDIR:-/tmp}/ser-first-use.XXXXXX")
trap 'rm -rf "$work"' EXIT
modes="none fory fory-async fory-nocodegen kryo java"

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; $("$java" -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < rounds; r++)); do
  for m in $modes; do
    start=${EPOCHREALTIME/./}
    line=$("$java" "${flags[@]}" -cp "$jar" "$main" "$m" 2>>"$work/stderr.$m")
    end=${EPOCHREALTIME/./}
    echo "$m $(((end - start) / 1000)) ${line#* }" >>"$work/results"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
printf '%-15s %10s %10s %12s %13s %13s   (medians of %d fresh JVMs, ms)\n' \
  mode process build first-batch first-result second-batch "$rounds"
for m in $modes; do
  col() { awk -v m="$m" -v c="$1" '$1 == m {print $c}' "$work/results" | median; }
  printf '%-15s %10s %10s %12s %13s %13s\n' "$m" "$(col 2)" "$(col 3)" "$(col 4)" "$(col 5)" "$(col 6)"
done

echo
echo "stderr lines with the flags above: fory $(wc -l <"$work/stderr.fory"), kryo $(wc -l <"$work/stderr.kryo"), java $(wc -l <"$work/stderr.java")"
for m in fory kryo; do
  echo "--- $m, no flags at all: stderr (first 8 lines of $("$java" -cp "$jar" "$main" "$m" 2>&1 >/dev/null | tee "$work/bare.$m" | wc -l))"
  head -8 "$work/bare.$m"
done

echo
echo "jar sizes (bytes, the runtime jars each library brings, from ~/.m2):"
m2="${HOME}/.m2/repository"
jars() {
  local total=0 f s
  for f in "$@"; do
    s=$(stat -c %s "$m2/$f")
    total=$((total + s))
    printf '  %10d  %s\n' "$s" "$(basename "$f")"
  done
  printf '  %10d  total\n' "$total"
}
echo "fory:"
jars org/apache/fory/fory-core/1.6.0/fory-core-1.6.0.jar \
  org/codehaus/janino/janino/3.1.12/janino-3.1.12.jar \
  org/codehaus/janino/commons-compiler/3.1.12/commons-compiler-3.1.12.jar
echo "kryo:"
jars com/esotericsoftware/kryo/5.6.2/kryo-5.6.2.jar \
  com/esotericsoftware/reflectasm/1.11.9/reflectasm-1.11.9.jar \
  org/objenesis/objenesis/3.4/objenesis-3.4.jar \
  com/esotericsoftware/minlog/1.3.1/minlog-1.3.1.jar
