"""Python's multiprocessing.Pool on calibrated busy tasks, for EfficiencyTable.

Protocol on stdin/stdout, one line each: prints "ready ..." once the pool is up and the task is
calibrated; then for each "run MICROS TASKS" line it times a sequential loop calling the task
(the same functools.partial the pool gets) and then pool.map with its default chunking, and prints "SEQ_NS POOL_NS"; "quit" ends it.
"""
import functools
import multiprocessing
import sys
import time


def spin(seed, iterations):
    x = seed * 0x9E3779B97F4A7C15 + 1
    for _ in range(iterations):
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    return x


def timed_serial(iterations, tasks):
    start = time.perf_counter_ns()
    for i in range(tasks):
        spin(i, iterations)
    return time.perf_counter_ns() - start


def calibrate():
    """ns per task = fixed + per_iteration * iterations, fitted from the fastest of a few runs."""
    tasks = 20000
    low, high = 0, 200
    t_low = min(timed_serial(low, tasks) for _ in range(5)) / tasks
    t_high = min(timed_serial(high, tasks) for _ in range(5)) / tasks
    per_iteration = (t_high - t_low) / (high - low)
    return t_low, per_iteration


def main():
    workers = int(sys.argv[1])
    fixed, per_iteration = calibrate()
    with multiprocessing.Pool(workers) as pool:
        pool.map(functools.partial(spin, iterations=10), range(10000))
        print(
            "ready Python %s, %d worker processes, %.0f ns per call + %.1f ns per iteration"
            % (sys.version.split()[0], workers, fixed, per_iteration),
            flush=True,
        )
        for line in sys.stdin:
            parts = line.split()
            if not parts or parts[0] == "quit":
                break
            micros, tasks = int(parts[1]), int(parts[2])
            iterations = max(0, round((micros * 1000 - fixed) / per_iteration))
            # The serial loop calls the very callable the pool calls.
            task = functools.partial(spin, iterations=iterations)
            start = time.perf_counter_ns()
            for i in range(tasks):
                task(i)
            seq = time.perf_counter_ns() - start
            start = time.perf_counter_ns()
            pool.map(task, range(tasks))
            par = time.perf_counter_ns() - start
            print("%d %d" % (seq, par), flush=True)


if __name__ == "__main__":
    main()
