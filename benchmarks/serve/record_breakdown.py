#!/usr/bin/env python3
"""Where an in-server `record`'s milliseconds go (docs/benchmarks.md, "In-server record, broken down").

Usage: python3 benchmarks/serve/record_breakdown.py [--nixh PATH/nixh.dll] [--rounds N] [--settle SECONDS] [--serve-args "ARGS"]

One `nixh serve` owns a seeded data directory, started with NIXH_TRACE_REQUEST_PATH (RequestPathTrace: each stage a
request passes appends a line "request µs thread stage" to a file, µs on the monotonic clock Python's
time.monotonic_ns reads too). Each round writes an in-server `record` (straight to the socket, as serve_latency.py's
"in server" column) in three situations, in turn:
- settled: SECONDS after the previous call (the owner's memory and learner have applied everything);
- after forwarded: right after a forwarded `record` (a `nixh` client process), as in serve_latency.py's sequence;
- after in-server: right after another in-server `record`.
Reported per situation: the client's wall time p50, each stage's time since the request was accepted (p50) with the
step from the stage before, and how many of the requests were served while a projection (memory or learner) applied
events, and how many came within 50 ms after a projection's apply ended (its writes may still be on their way to the
disk). --serve-args passes options to `nixh serve` (e.g. "--apply-window 0", ADR 0055).
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_NIXH = os.path.join(REPO, "src", "NixHumanity.Cli", "bin", "Release", "net10.0", "nixh.dll")

from serve_latency import in_server, stop_and_remove  # noqa: E402

# The stages of a served record, in the order they happen (RequestPathTrace.Mark calls).
STAGES = ["accepted", "serving", "read", "parsed", "host", "ask", "session", "validated", "persist-asked", "journal",
          "serialized", "writing", "committed", "group-written", "persisted", "replied", "acknowledged", "verb-done",
          "printed", "answered"]
SITUATIONS = ["settled", "after forwarded", "after in-server"]


def read_trace(path):
    """{request: [(µs, thread, stage)]} from the trace file."""
    requests = {}
    with open(path) as lines:
        for line in lines:
            request, at, thread, stage = line.split()
            requests.setdefault(int(request), []).append((int(at), int(thread), stage))
    return requests


def timeline(requests, started_us, ended_us):
    """The marks of the request accepted between started_us and ended_us, and every projection mark in that window."""
    for marks in requests.values():
        accepted = [at for at, _, stage in marks if stage == "accepted"]
        if accepted and started_us <= accepted[0] <= ended_us:
            own = {stage: (at, thread) for at, thread, stage in marks if stage in STAGES}
            break
    else:
        return None, []
    projections = [(at, stage) for marks in requests.values() for at, _, stage in marks
                   if stage.endswith("-applying") or stage.endswith("-applied")]
    return own, projections


def ended_shortly_before(projections, start, within_us=50_000):
    """Whether a projection's apply ended in the within_us before start."""
    return any(start - within_us <= at < start for at, stage in projections if stage.endswith("-applied"))


def busy_during(projections, start, end):
    """Whether a projection was applying events at some time between start and end."""
    running = {}
    for at, stage in sorted(projections):
        component = stage.rsplit("-", 1)[0]
        if stage.endswith("-applying"):
            running[component] = at
        elif component in running:
            began = running.pop(component)
            if began < end and at > start:
                return True
    return any(began < end for began in running.values())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nixh", default=DEFAULT_NIXH)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--settle", type=float, default=1.5)
    parser.add_argument("--serve-args", default="", help="options of nixh serve, e.g. \"--apply-window 0\"")
    options = parser.parse_args()
    root = tempfile.mkdtemp(prefix="nixh-record-breakdown-")
    trace = os.path.join(root, "trace.txt")
    env = dict(os.environ, NIXH_DATA_DIR=os.path.join(root, "data"), NIXH_EMBEDDER="ngram")
    counter = iter(range(1_000_000))

    def record():
        n = next(counter)
        return ["record", "--user", "maya", "--session", "bench", "--text", f"install package{n}",
                "--command", f"nix-env -iA nixpkgs.package{n}", "--outcome", "success", "--json"]

    def forwarded():
        done = subprocess.run(["dotnet", options.nixh, *record()], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            sys.exit(f"forwarded record exited {done.returncode}: {done.stderr.strip()}")

    server = None
    try:
        forwarded()  # seeds the data directory in its own process
        server = subprocess.Popen(["dotnet", options.nixh, "serve", *options.serve_args.split()], env=dict(env, NIXH_TRACE_REQUEST_PATH=trace),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        server.stdout.readline()
        sock = os.path.join(env["NIXH_DATA_DIR"], "serve", "nixh.sock")
        for _ in range(3):  # warm the owner's paths
            in_server(sock, record())
            forwarded()
        windows = {situation: [] for situation in SITUATIONS}
        wall = {situation: [] for situation in SITUATIONS}
        load_before = open("/proc/loadavg").read().split()[0]
        for _ in range(options.rounds):
            for situation in SITUATIONS:
                time.sleep(options.settle)
                if situation == "after forwarded":
                    forwarded()
                elif situation == "after in-server":
                    in_server(sock, record())
                started = time.monotonic_ns() // 1000
                wall[situation].append(in_server(sock, record()))
                windows[situation].append((started, time.monotonic_ns() // 1000))
        time.sleep(options.settle)
        in_server(sock, record())  # flushes the projection marks of the last round
        load_after = open("/proc/loadavg").read().split()[0]

        requests = read_trace(trace)
        print(f"load average (1 min) before / after: {load_before} / {load_after}; {options.rounds} rounds; settle {options.settle} s")
        rows = {situation: {stage: [] for stage in STAGES} for situation in SITUATIONS}
        overlapped = {situation: 0 for situation in SITUATIONS}
        just_after = {situation: 0 for situation in SITUATIONS}
        for situation in SITUATIONS:
            for started, ended in windows[situation]:
                own, projections = timeline(requests, started, ended)
                if own is None:
                    continue
                if busy_during(projections, own["accepted"][0], own["answered"][0]):
                    overlapped[situation] += 1
                elif ended_shortly_before(projections, own["accepted"][0]):
                    just_after[situation] += 1
                for stage in STAGES:
                    if stage in own:
                        rows[situation][stage].append((own[stage][0] - own["accepted"][0]) / 1000)
        # Each stage's time since the request was accepted (p50 over the rounds), and the step from the stage before.
        print(f"{'stage: ms since accepted (step)':34}" + "".join(f"{s:>22}" for s in SITUATIONS))
        print(f"{'client wall time':34}" + "".join(f"{statistics.median(wall[s]):22.2f}" for s in SITUATIONS))
        for before, stage in zip([None, *STAGES], STAGES):
            cells = []
            for s in SITUATIONS:
                if not rows[s][stage]:
                    cells.append(f"{'-':>22}")
                    continue
                at = statistics.median(rows[s][stage])
                step = at - statistics.median(rows[s][before]) if before and rows[s][before] else 0.0
                cells.append(f"{at:13.2f} ({step:+6.2f})")
            print(f"{stage:34}" + "".join(cells))
        print(f"{'served while a projection applied':34}" + "".join(
            f"{str(overlapped[s]) + '/' + str(len(windows[s])):>22}" for s in SITUATIONS))
        print(f"{'else: an apply ended < 50 ms before':34}" + "".join(
            f"{str(just_after[s]) + '/' + str(len(windows[s])):>22}" for s in SITUATIONS))
    finally:
        stop_and_remove(server, root)


if __name__ == "__main__":
    main()
