#!/usr/bin/env bash
# Parallel efficiency of weft beside ForkJoin, a fixed thread pool and Python's
# multiprocessing.Pool on the same calibrated tasks (1, 10, 100 and 1,000 us by default), in
# interleaved rounds in one run (dev.weft.bench.EfficiencyTable); then the first calls in fresh JVMs
# (dev.weft.bench.FirstCalls): the time to create the pool and the efficiency of calls 1 to 5,
# for weft and for ForkJoin, medians over the fresh JVMs. Prints the CPU model first: ratios differ
# between CPUs, so quote it with every figure.
#
#   ./mvnw -B -pl weft-benchmarks -am package -DskipTests
#   weft-benchmarks/scripts/efficiency-table.sh                  # 9 rounds, 1 10 100 1000 us
#   ROUNDS=5 FRESH=3 weft-benchmarks/scripts/efficiency-table.sh 1 10
#   PYTHON=none weft-benchmarks/scripts/efficiency-table.sh       # without the Python peer
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$root/.mvn/find-jdk.sh"
java="$JAVA_HOME/bin/java"
jar="$root/weft-benchmarks/target/benchmarks.jar"
rounds=${ROUNDS:-9}
fresh=${FRESH:-5}
python=${PYTHON:-python3}
case $rounds in '' | *[!0-9]* | 0) echo "efficiency-table: ROUNDS must be a positive number" >&2; exit 2 ;; esac
case $fresh in '' | *[!0-9]*) echo "efficiency-table: FRESH must be a number" >&2; exit 2 ;; esac
for size in "$@"; do
  case $size in '' | *[!0-9]* | 0) echo "efficiency-table: task sizes are positive whole microseconds, not '$size'" >&2; exit 2 ;; esac
done
[ -f "$jar" ] || { echo "efficiency-table: $jar is missing; build it first (see the header)" >&2; exit 2; }
peer=()
if [ "$python" != none ]; then
  command -v "$python" >/dev/null || { echo "efficiency-table: no $python (set PYTHON=none to leave Python out)" >&2; exit 2; }
  peer=(--python "$python")
fi

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; $("$java" -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
jvm=(-Xms2g -Xmx2g -XX:+UseG1GC -XX:G1HeapRegionSize=32m)
"$java" "${jvm[@]}" -cp "$jar" dev.weft.bench.EfficiencyTable "${peer[@]}" --rounds "$rounds" "$@"

if [ "$fresh" -gt 0 ]; then
  first_size=${1:-10}
  echo
  echo "first calls in $fresh fresh JVMs each, ${first_size} us tasks (median; create = pool creation ms):"
  printf '%-9s %10s %7s %7s %7s %7s %7s\n' contender "create ms" call1 call2 call3 call4 call5
  out=$(mktemp)
  trap 'rm -f "$out"' EXIT
  for ((r = 0; r < fresh; r++)); do
    for c in weft forkjoin; do
      "$java" "${jvm[@]}" -cp "$jar" dev.weft.bench.FirstCalls "$c" "$first_size" >>"$out"
    done
  done
  for c in weft forkjoin; do
    awk -v c="$c" '$1 == c { n++; for (k = 3; k <= 8; k++) v[k, n] = $k }
      END {
        printf "%-9s", c
        for (k = 3; k <= 8; k++) {
          for (i = 1; i <= n; i++) a[i] = v[k, i]
          for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
          m = a[int((n + 1) / 2)]
          if (k == 3) printf " %10.1f", m; else printf " %6.0f%%", 100 * m
        }
        printf "\n"
      }' "$out"
  done
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
