#!/usr/bin/env python3
"""Python multiprocessing baselines for weft's worker-process engine (issue 11).

What does Python's own multiprocessing cost on this machine, for the figures that weft's
worker-process engine will be compared with? Each workload below runs a few times and the median
is reported:

  roundtrip  pool.apply_async(empty).get() on a warm 2-worker Pool: p50 and p99 latency (us)
  map        Pool(2).map(abs, range(N)) with the default chunking (N = 1,000,000): tasks/s
  queue      multiprocessing.Queue, one producer process -> the parent, one put per int: ints/s
  pipe       multiprocessing.Pipe, one way, one send per int: ints/s
  array      sum a float64 numpy array (default 1 GiB) in 2 workers, (a) pickled as the task
             argument in two halves, (b) in multiprocessing.shared_memory, workers attach by
             name: seconds each (needs numpy; skipped with a note without it)
  start      a 2-worker pool created and one trivial task returned, for the start methods fork,
             spawn and forkserver: ms each

Output: one machine-readable line per figure, `name value unit` (lines start with no '#'),
then a human table; comments start with '#'. Stdlib only, plus numpy for `array`.

  python3 mp_baseline.py                 # everything, full sizes (a few minutes)
  python3 mp_baseline.py --quick         # smoke test: small sizes, few repeats
  python3 mp_baseline.py --only map,pipe --repeats 5
  python3 mp_baseline.py --only array --array-mib 256

weft-benchmarks/scripts/python-baseline.sh runs it in a venv that has numpy.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
from multiprocessing import shared_memory

NS = time.perf_counter_ns
WORKLOADS = ("roundtrip", "map", "queue", "pipe", "array", "start")


# --- task functions: module level, so that spawn and forkserver workers can import them ---------


def empty():
    return None


def trivial(x):
    return x + 1


def sum_array(a):
    return float(a.sum())


def sum_shared(name, n_elements, start, stop):
    import numpy as np

    shm = shared_memory.SharedMemory(name=name)
    # Python < 3.13 registers an attached block with the resource tracker as if this process owned
    # it (bpo-39959); the parent creates and unlinks it, so a worker must not: unregister here.
    from multiprocessing import resource_tracker

    resource_tracker.unregister(shm._name, "shared_memory")
    try:
        a = np.ndarray((n_elements,), dtype=np.float64, buffer=shm.buf)
        s = float(a[start:stop].sum())
        del a  # release the exported buffer before close()
        return s
    finally:
        shm.close()


def queue_producer(q, n, go):
    q.put("ready")
    go.wait()
    for i in range(n):
        q.put(i)


def pipe_producer(conn, n, go):
    conn.send("ready")
    go.wait()
    for i in range(n):
        conn.send(i)
    conn.close()


# --- helpers -------------------------------------------------------------------------------------


class Report:
    def __init__(self):
        self.rows = []  # (name, value, unit, note)

    def add(self, name, value, unit, note=""):
        self.rows.append((name, value, unit, note))
        print(f"{name} {fmt_machine(value)} {unit}", flush=True)

    def note(self, text):
        print(f"# {text}", flush=True)


def fmt_machine(v):
    return f"{v:.6g}" if isinstance(v, float) else str(v)


def fmt_human(v):
    if isinstance(v, float):
        if v >= 1000:
            return f"{v:,.0f}"
        if v >= 10:
            return f"{v:.1f}"
        return f"{v:.3g}"
    return f"{v:,}"


def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    k = math.ceil(p / 100.0 * len(sorted_values)) - 1
    return sorted_values[max(0, min(len(sorted_values) - 1, k))]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# --- workloads -----------------------------------------------------------------------------------


def bench_roundtrip(rep, args):
    samples = 500 if args.quick else 20_000
    p50s, p99s = [], []
    with mp.Pool(2) as pool:
        for _ in range(200):  # warm: workers started, pipes and result thread running
            pool.apply_async(empty).get()
        for _ in range(args.repeats):
            lat = []
            for _ in range(samples):
                t0 = NS()
                pool.apply_async(empty).get()
                lat.append(NS() - t0)
            lat.sort()
            p50s.append(percentile(lat, 50) / 1e3)
            p99s.append(percentile(lat, 99) / 1e3)
    rep.note(f"roundtrip: {samples} samples per repeat, {args.repeats} repeats; p50s {fmt_list(p50s)} us, p99s {fmt_list(p99s)} us")
    rep.add("roundtrip_p50", statistics.median(p50s), "us", f"{samples} samples x {args.repeats}")
    rep.add("roundtrip_p99", statistics.median(p99s), "us", f"{samples} samples x {args.repeats}")


def bench_map(rep, args):
    n = 100_000 if args.quick else 1_000_000
    data = list(range(n))
    rates = []
    with mp.Pool(2) as pool:
        pool.map(abs, range(1000))  # warm
        for _ in range(args.repeats):
            t0 = NS()
            out = pool.map(abs, data)
            dt = NS() - t0
            assert len(out) == n and out[-1] == n - 1
            rates.append(n / (dt / 1e9))
    rep.note(f"map: Pool(2).map(abs, list of {n:,} ints), default chunksize; rates {fmt_list(rates)} tasks/s")
    rep.add("pool_map_tiny", statistics.median(rates), "tasks/s", f"{n:,} tasks")


def _stream_rate(n, make, recv_one):
    """Start a producer, wait for its 'ready', then time receiving n ints."""
    go = mp.Event()
    endpoint, proc = make(go)
    assert recv_one(endpoint) == "ready"
    t0 = NS()
    go.set()
    last = None
    for _ in range(n):
        last = recv_one(endpoint)
    dt = NS() - t0
    proc.join()
    assert last == n - 1
    return n / (dt / 1e9)


def bench_queue(rep, args):
    n = 20_000 if args.quick else 300_000
    rates = []
    for _ in range(args.repeats):

        def make(go):
            q = mp.Queue()
            p = mp.Process(target=queue_producer, args=(q, n, go))
            p.start()
            return q, p

        rates.append(_stream_rate(n, make, lambda q: q.get()))
    rep.note(f"queue: {n:,} ints, one put/get each; rates {fmt_list(rates)} ints/s")
    rep.add("queue_ints", statistics.median(rates), "ints/s", f"{n:,} ints")


def bench_pipe(rep, args):
    n = 20_000 if args.quick else 300_000
    rates = []
    for _ in range(args.repeats):
        conns = []

        def make(go):
            r, w = mp.Pipe(duplex=False)
            p = mp.Process(target=pipe_producer, args=(w, n, go))
            p.start()
            w.close()  # the parent keeps only the reading end
            conns.append(r)
            return r, p

        rates.append(_stream_rate(n, make, lambda c: c.recv()))
        conns[0].close()
    rep.note(f"pipe: {n:,} ints, one send/recv each; rates {fmt_list(rates)} ints/s")
    rep.add("pipe_ints", statistics.median(rates), "ints/s", f"{n:,} ints")


def bench_array(rep, args):
    try:
        import numpy as np
    except ImportError:
        rep.note("array: SKIPPED, numpy is not installed for " + sys.executable
                 + " (weft-benchmarks/scripts/python-baseline.sh makes a venv with it)")
        return
    mib = 64 if args.quick and args.array_mib is None else (args.array_mib or 1024)
    n = mib * 1024 * 1024 // 8
    half = n // 2
    a = np.arange(n, dtype=np.float64) % 1000.0
    expected = float(a.sum())
    rel = lambda s: abs(s - expected) <= 1e-9 * max(1.0, abs(expected))  # noqa: E731
    pickled, shared = [], []
    with mp.Pool(2) as pool:
        pool.apply(empty)  # both workers up before any timing
        for _ in range(args.repeats):
            t0 = NS()
            parts = pool.map(sum_array, [a[:half], a[half:]], chunksize=1)
            pickled.append((NS() - t0) / 1e9)
            assert rel(sum(parts)), (sum(parts), expected)
        shm = shared_memory.SharedMemory(create=True, size=n * 8)
        try:
            view = np.ndarray((n,), dtype=np.float64, buffer=shm.buf)
            view[:] = a  # filling the shared block is setup, not timed
            del view
            for _ in range(args.repeats):
                t0 = NS()
                parts = pool.starmap(sum_shared, [(shm.name, n, 0, half), (shm.name, n, half, n)], chunksize=1)
                shared.append((NS() - t0) / 1e9)
                assert rel(sum(parts)), (sum(parts), expected)
        finally:
            shm.close()
            shm.unlink()
    rep.note(f"array: {mib} MiB float64 ({n:,} elements), numpy {np.__version__}; "
             f"pickled {fmt_list(pickled)} s, shared_memory {fmt_list(shared)} s")
    rep.add(f"array_{mib}mib_pickled", statistics.median(pickled), "s", f"{mib} MiB, 2 halves as task args")
    rep.add(f"array_{mib}mib_shared_memory", statistics.median(shared), "s", f"{mib} MiB, attach by name")


def bench_start(rep, args):
    repeats = max(args.repeats, 3 if args.quick else 5)
    for method in ("fork", "spawn", "forkserver"):
        if method not in mp.get_all_start_methods():
            rep.note(f"start: {method} is not available here")
            continue
        ctx = mp.get_context(method)
        times = []
        for _ in range(repeats):
            t0 = NS()
            pool = ctx.Pool(2)
            assert pool.apply(trivial, (1,)) == 2
            times.append((NS() - t0) / 1e6)
            pool.terminate()
            pool.join()
        extra = ""
        if method == "forkserver":
            # the first pool also starts the fork server process, which later pools reuse
            extra = f"; the first ({times[0]:.1f} ms) includes starting the fork server"
            rep.add("pool_start_forkserver_first", times[0], "ms", "includes starting the fork server")
        rep.note(f"start {method}: {fmt_list(times)} ms{extra}")
        rep.add(f"pool_start_{method}", statistics.median(times), "ms", f"median of {repeats}")


def fmt_list(xs):
    return "[" + ", ".join(fmt_human(float(x)) for x in xs) + "]"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes and 2 repeats, for smoke tests")
    ap.add_argument("--only", default="", help="comma-separated workloads: " + ",".join(WORKLOADS))
    ap.add_argument("--repeats", type=int, default=None, help="repeats per figure (default 3, quick 2)")
    ap.add_argument("--array-mib", type=int, default=None, help="array size in MiB (default 1024, quick 64)")
    args = ap.parse_args()
    if args.repeats is None:
        args.repeats = 2 if args.quick else 3
    chosen = [w.strip() for w in args.only.split(",") if w.strip()] or list(WORKLOADS)
    unknown = [w for w in chosen if w not in WORKLOADS]
    if unknown:
        ap.error(f"unknown workload(s) {unknown}; choose from {','.join(WORKLOADS)}")

    rep = Report()
    rep.note(f"mp_baseline: python {platform.python_version()} ({sys.executable}), "
             f"default start method {mp.get_start_method()}")
    rep.note(f"cpu: {cpu_model()}, {os.cpu_count()} cpus; load average {os.getloadavg()}")
    rep.note(f"date: {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}; args: {' '.join(sys.argv[1:]) or '(none)'}")
    benches = {"roundtrip": bench_roundtrip, "map": bench_map, "queue": bench_queue,
               "pipe": bench_pipe, "array": bench_array, "start": bench_start}
    for w in WORKLOADS:
        if w in chosen:
            benches[w](rep, args)

    rep.note(f"done; load average {os.getloadavg()}")
    print()
    print(f"# {'figure':<32} {'median':>14}  {'unit':<8} what")
    for name, value, unit, note in rep.rows:
        print(f"# {name:<32} {fmt_human(value):>14}  {unit:<8} {note}")


if __name__ == "__main__":
    main()
