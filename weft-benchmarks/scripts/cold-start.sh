#!/usr/bin/env bash
# What a program pays for weft before its first result, in fresh JVMs (dev.weft.bench.ColdStart):
# a plain JVM squaring 1,000 integers in a loop (the floor), ForkJoin (a ForkJoinPool and a
# parallelStream) and weft (Pool.cpu() and map), each without and with an application class-data
# sharing archive made for it beforehand (-XX:ArchiveClassesAtExit). Rounds are interleaved.
# Prints the median whole-process wall time, the median time to create the pool and the median
# time of the first call, all in ms, and the CPU model (quote it with every figure).
#
#   ./mvnw -B -pl weft-benchmarks -am package -DskipTests
#   weft-benchmarks/scripts/cold-start.sh [ROUNDS]        # default 11
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$root/.mvn/find-jdk.sh"
java="$JAVA_HOME/bin/java"
jar="$root/weft-benchmarks/target/benchmarks.jar"
rounds=${1:-11}
case $rounds in '' | *[!0-9]* | 0) echo "cold-start: ROUNDS must be a positive number" >&2; exit 2 ;; esac
[ -f "$jar" ] || { echo "cold-start: $jar is missing; build it first (see the header)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/cold-start.XXXXXX")
trap 'rm -rf "$work"' EXIT
modes="plain forkjoin weft"
for m in $modes; do
  "$java" -XX:ArchiveClassesAtExit="$work/$m.jsa" -cp "$jar" dev.weft.bench.ColdStart "$m" >/dev/null 2>"$work/$m.dump.log" ||
    { echo "cold-start: making the archive for $m failed:" >&2; cat "$work/$m.dump.log" >&2; exit 1; }
done

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; $("$java" -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < rounds; r++)); do
  for m in $modes; do
    for cds in no yes; do
      flags=()
      [ "$cds" = yes ] && flags=(-XX:SharedArchiveFile="$work/$m.jsa" -Xshare:on)
      start=${EPOCHREALTIME/./}
      line=$("$java" "${flags[@]}" -cp "$jar" dev.weft.bench.ColdStart "$m")
      end=${EPOCHREALTIME/./}
      echo "$m $cds $(((end - start) / 1000)) ${line#* }" >>"$work/results"
    done
  done
done
printf '%-9s %-4s %12s %10s %13s\n' program CDS "process ms" "create ms" "first call ms"
for m in $modes; do
  for cds in no yes; do
    awk -v m="$m" -v c="$cds" '
      function median(a, n,   i, j, t) {
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return a[int((n + 1) / 2)]
      }
      $1 == m && $2 == c { n++; p[n] = $3; k[n] = $4; f[n] = $5 }
      END { printf "%-9s %-4s %12.0f %10.2f %13.2f\n", m, c, median(p, n), median(k, n), median(f, n) }' "$work/results"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
