#!/usr/bin/env bash
# Issue 11's table: weft's worker processes (dev.weft.bench.ProcessTable) beside Python's
# multiprocessing (scripts/python-baseline.sh) in the same run, interleaved workload by workload
# (Python's round trip, weft's round trip, Python's map, ...), so that a busy neighbour hits both
# alike. Builds the benchmark jar if it is missing, prints the CPU and load, every raw line (kept in
# weft-benchmarks/target/runs/process-table-*.txt), then one table:
# figure | Python | weft | ratio | target | met?
#
#   weft-benchmarks/scripts/process-table.sh                     # full sizes, a few minutes
#   weft-benchmarks/scripts/process-table.sh --quick             # smoke test
#   weft-benchmarks/scripts/process-table.sh --only roundtrip,map --repeats 5
#   weft-benchmarks/scripts/process-table.sh --array-mib 256
#   weft-benchmarks/scripts/process-table.sh --table weft-benchmarks/target/runs/process-table-X.txt
#                                                      # the table again, from a kept log
#
# Workloads: roundtrip map queue array start heap (heap is weft's only). BUILD=1 rebuilds the jar.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$root/.mvn/find-jdk.sh"
java="$JAVA_HOME/bin/java"
jar="$root/weft-benchmarks/target/benchmarks.jar"
here="$root/weft-benchmarks/scripts"

quick=() only="roundtrip,map,queue,array,start,heap" repeats=() mib=() table=""
while [ $# -gt 0 ]; do
  case $1 in
    --table) table=$2; shift ;;
    --quick) quick=(--quick) ;;
    --only) only=$2; shift ;;
    --repeats) repeats=(--repeats "$2"); shift ;;
    --array-mib) mib=(--array-mib "$2"); shift ;;
    *) echo "process-table: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

run() {
if [ ! -f "$jar" ] || [ "${BUILD:-0}" = 1 ]; then
  (cd "$root" && ./mvnw -B -ntp -q -pl weft-benchmarks -am package -DskipTests)
fi

mkdir -p "$root/weft-benchmarks/target/runs"

{
  echo "# date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "# CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; $("$java" -version 2>&1 | head -1)"
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$log"

jvm=(-Xmx4g -XX:+UseG1GC --sun-misc-unsafe-memory-access=allow)
for w in ${only//,/ }; do
  if [ "$w" != heap ]; then
    echo "## python $w (load $(cut -d' ' -f1 /proc/loadavg))" | tee -a "$log"
    "$here/python-baseline.sh" --only "$w" "${quick[@]}" "${repeats[@]}" "${mib[@]}" | tee -a "$log"
  fi
  echo "## weft $w (load $(cut -d' ' -f1 /proc/loadavg))" | tee -a "$log"
  "$java" "${jvm[@]}" -cp "$jar" dev.weft.bench.ProcessTable --only "$w" "${quick[@]}" "${repeats[@]}" "${mib[@]}" \
    | tee -a "$log"
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
echo "# raw lines: $log" | tee -a "$log"
echo
}

if [ -n "$table" ]; then
  log=$table
else
  log="$root/weft-benchmarks/target/runs/process-table-$(date -u +%Y%m%dT%H%M%SZ).txt"
  run
fi

# figure | Python | weft | ratio | target | met?  (machine lines are "name value unit")
awk '
  /^## python / { who = "py"; next }
  /^## weft / { who = "wf"; next }
  /^#/ || NF != 3 { next }
  who == "py" { py[$1] = $2; next }
  who == "wf" { wf[$1] = $2 }
  function f(v) { if (v == "") return "-"; if (v >= 100) return sprintf("%.0f", v); if (v >= 10) return sprintf("%.1f", v); return sprintf("%.3g", v) }
  function row(fig, p, w, ratio, target, met) {
    printf "| %s | %s | %s | %s | %s | %s |\n", fig, p, w, ratio, target, met
  }
  END {
    print "| figure | Python | weft | ratio | target | met? |"
    print "| --- | ---: | ---: | ---: | --- | --- |"
    if ("roundtrip_p50" in wf) {
      for (q = 50; q <= 99; q += 49) {
        k = "roundtrip_p" q; r = (k in py) ? py[k] / wf[k] : 0
        row("round trip p" q ", us (Python / weft)", f(py[k]), f(wf[k]), r ? sprintf("%.2fx", r) : "-", ">= 5x", r ? (r >= 5 ? "yes" : "no") : "-")
      }
    }
    if ("pool_map_tiny" in wf) {
      r = ("pool_map_tiny" in py) ? wf["pool_map_tiny"] / py["pool_map_tiny"] : 0
      row("1M tiny tasks, tasks/s (weft / Python)", f(py["pool_map_tiny"]), f(wf["pool_map_tiny"]), r ? sprintf("%.2fx", r) : "-", ">= 2x", r ? (r >= 2 ? "yes" : "no") : "-")
      r = ("pool_map_tiny" in py) ? wf["pool_map_tiny_python_chunks"] / py["pool_map_tiny"] : 0
      row("... weft with Python-sized chunks (n / 8), not the default", f(py["pool_map_tiny"]), f(wf["pool_map_tiny_python_chunks"]), r ? sprintf("%.2fx", r) : "-", "(diagnostic)", "")
    }
    if ("queue_longs" in wf) {
      r = ("queue_ints" in py) ? wf["queue_longs"] / py["queue_ints"] : 0
      row("queue, msgs/s (weft SharedQueue / mp.Queue)", f(py["queue_ints"]), f(wf["queue_longs"]), r ? sprintf("%.1fx", r) : "-", ">= 10x", r ? (r >= 10 ? "yes" : "no") : "-")
    }
    for (k in wf) if (k ~ /^array_[0-9]+mib_shared_memory$/) {
      base = k; sub(/_shared_memory$/, "", base); mib = base; sub(/^array_/, "", mib)
      row(mib " shared memory, s", f(py[base "_shared_memory"]), f(wf[k]), "-", "", "")
      row(mib " serialized copy, s", f(py[base "_pickled"]), f(wf[base "_copied"]), "-", "", "")
      pr = (base "_pickled" in py) ? sprintf("%.1fx", py[base "_pickled"] / py[base "_shared_memory"]) : "-"
      r = wf[base "_copy_over_shared"]
      row(mib " copy / shared, summing included", pr, sprintf("%.1fx", r), sprintf("%.1fx", r), ">= 1,000x", r >= 1000 ? "yes" : "no")
      row(mib " hand-off alone (no sum): shared memory, s", "-", f(wf[base "_handoff_shared_memory"]), "", "", "")
      row(mib " hand-off alone (no sum): serialized copy, s", "-", f(wf[base "_handoff_copied"]), "", "", "")
      r = wf[base "_handoff_copy_over_shared"]
      row(mib " hand-off alone: copy / shared", "-", sprintf("%.0fx", r), sprintf("%.0fx", r), ">= 1,000x", r >= 1000 ? "yes" : "no")
    }
    if ("pool_start_eager_cds" in wf) {
      s = py["pool_start_spawn"]
      row("2-worker pool to first result, ms: Python fork", f(py["pool_start_fork"]), "", "", "", "")
      row("... Python forkserver (first: " f(py["pool_start_forkserver_first"]) ")", f(py["pool_start_forkserver"]), "", "", "", "")
      split("lazy eager_cds eager_nocds", m, " ")
      split("Pool.processes(2) (lazy, CDS)|eager start, CDS archive|eager start, no CDS", lab, "|")
      for (i = 1; i <= 3; i++) {
        k = "pool_start_" m[i]; r = s ? s / wf[k] : 0
        row("... weft " lab[i] " vs Python spawn", f(s), f(wf[k]), r ? sprintf("%.2fx", r) : "-", "<= spawn", r ? (r >= 1 ? "yes" : "no") : "-")
      }
    }
    if ("heap_10m_peak_after_gc" in wf) {
      a = wf["heap_1m_peak_after_gc"]; b = wf["heap_10m_peak_after_gc"]
      ok = wf["heap_1m_completed"] == 1 && wf["heap_10m_completed"] == 1 && b <= a * 1.5 + 2
      row("imap 1M then 10M at -Xmx64m: peak heap after GC, MiB", "-", f(a) " / " f(b), sprintf("%.2fx", b / a), "flat", ok ? "yes" : "no")
    } else if ("heap_100k_peak_after_gc" in wf) {
      a = wf["heap_100k_peak_after_gc"]; b = wf["heap_1m_peak_after_gc"]
      ok = wf["heap_100k_completed"] == 1 && wf["heap_1m_completed"] == 1 && b <= a * 1.5 + 2
      row("imap 100k then 1M at -Xmx64m: peak heap after GC, MiB", "-", f(a) " / " f(b), sprintf("%.2fx", b / a), "flat", ok ? "yes" : "no")
    }
  }' "$log" | if [ -n "$table" ]; then cat; else tee -a "$log"; fi
