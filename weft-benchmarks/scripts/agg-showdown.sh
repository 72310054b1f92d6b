#!/usr/bin/env bash
# Times `weft agg` against the baselines of issue 4 on one measurements file, as whole processes,
# in one run: the raw read speed (cat to /dev/null, page cache warm), weft agg (run as users run it,
# through ./weft, which adds its class-data-sharing archive), the hand-tuned
# single-purpose aggregator and the naive parallel stream (both in weft-benchmarks). Rounds are
# interleaved (one of each contender per round), so a change in the machine's load hits them all.
# Prints each contender's median, min and max wall time, its median peak RSS (from /usr/bin/time),
# rows/s and MB/s from the median, and the ratio to weft; and exits 1 if the aggregators did not
# print the same lines.
#
#   ./mvnw -B -pl weft-cli,weft-benchmarks -am package -DskipTests
#   ./weft gen measurements --rows 50000000 /tmp/m50.txt
#   weft-benchmarks/scripts/agg-showdown.sh /tmp/m50.txt 5
#   ONLY="cat weft" weft-benchmarks/scripts/agg-showdown.sh /tmp/m5g.txt 3   # a subset
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$root/.mvn/find-jdk.sh"
java="$JAVA_HOME/bin/java"
weft_jar="$root/weft-cli/target/weft.jar"
bench_jar="$root/weft-benchmarks/target/benchmarks.jar"

file=${1:?usage: agg-showdown.sh FILE [ROUNDS]}
rounds=${2:-5}
only=${ONLY:-cat weft hand-tuned naive}
[ -f "$file" ] || { echo "agg-showdown: no such file: $file" >&2; exit 2; }
case $rounds in '' | *[!0-9]* | 0) echo "agg-showdown: ROUNDS must be a positive number" >&2; exit 2 ;; esac
[ -x /usr/bin/time ] || { echo "agg-showdown: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }
for jar in "$weft_jar" "$bench_jar"; do
  [ -f "$jar" ] || { echo "agg-showdown: $jar is missing; build it first (see the header)" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/agg-showdown.XXXXXX")
trap 'rm -rf "$work"' EXIT

command_of() {
  case $1 in
    cat) echo "cat $file" ;;
    weft) echo "$root/weft agg $file --key 1 --value 2 --delimiter ; --progress=never" ;;
    hand-tuned) echo "$java -cp $bench_jar dev.weft.bench.agg.HandTunedAgg $file" ;;
    naive) echo "$java -cp $bench_jar dev.weft.bench.agg.NaiveAgg $file" ;;
    *) echo "agg-showdown: unknown contender '$1' in ONLY" >&2; exit 2 ;;
  esac
}

bytes=$(stat -c %s "$file")
cat "$file" >/dev/null # warm the page cache
echo "file: $file ($bytes bytes), $rounds rounds, $(nproc) cores, $("$java" -version 2>&1 | head -n 1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

for round in $(seq 1 "$rounds"); do
  for c in $only; do
    # shellcheck disable=SC2046 # the command is split into words on purpose
    /usr/bin/time -f '%e %M' -o "$work/$c.time" $(command_of "$c") >"$work/$c.out" 2>"$work/$c.err" ||
      { echo "agg-showdown: $c failed:" >&2; cat "$work/$c.err" >&2; exit 1; }
    cat "$work/$c.time" >>"$work/$c.times"
  done
done
# weft agg labels its figures on a first line (key=min/mean/max); the baselines print only the keys.
if [ -f "$work/weft.out" ]; then
  sed -i '1{/^key=min\/mean\/max$/d}' "$work/weft.out"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

rows=""
if [ -f "$work/weft.err" ]; then
  rows=$(sed -n 's/^rows \([0-9]*\),.*/\1/p' "$work/weft.err" | tail -n 1)
fi
[ -n "$rows" ] || rows=$(wc -l <"$file")

differ=0
for a in weft hand-tuned naive; do
  for b in weft hand-tuned naive; do
    if [ "$a" \< "$b" ] && [ -f "$work/$a.out" ] && [ -f "$work/$b.out" ]; then
      if cmp -s "$work/$a.out" "$work/$b.out"; then
        echo "answers: $a and $b agree ($(wc -l <"$work/$a.out") keys)"
      else
        echo "answers: $a and $b DIFFER:"
        diff "$work/$a.out" "$work/$b.out" | head -n 10
        differ=1
      fi
    fi
  done
done

median_of() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
weft_median=""
[ -f "$work/weft.times" ] && weft_median=$(cut -d' ' -f1 "$work/weft.times" | median_of)
printf '\n%-11s %9s %9s %9s %13s %12s %9s %10s\n' contender "median s" "min s" "max s" "peak RSS MB" "rows/s" "MB/s" "vs weft"
for c in $only; do
  t=$(cut -d' ' -f1 "$work/$c.times" | median_of)
  lo=$(cut -d' ' -f1 "$work/$c.times" | sort -n | head -n 1)
  hi=$(cut -d' ' -f1 "$work/$c.times" | sort -n | tail -n 1)
  rss=$(cut -d' ' -f2 "$work/$c.times" | median_of)
  awk -v c="$c" -v t="$t" -v lo="$lo" -v hi="$hi" -v rss="$rss" -v rows="$rows" -v bytes="$bytes" -v w="$weft_median" 'BEGIN {
    ratio = (w == "" || w == 0) ? "-" : sprintf("%.2fx", t / w)
    printf "%-11s %9.2f %9.2f %9.2f %13.0f %12.3g %9.0f %10s\n", c, t, lo, hi, rss / 1024, rows / t, bytes / 1e6 / t, ratio
  }'
done
if [ "$differ" -ne 0 ]; then
  echo "agg-showdown: the aggregators' answers differ (above)" >&2
  exit 1
fi
