#!/usr/bin/env python3
"""In-server `record` of the library hosted in-process (Serve on), with the live-apply window off and on, side by side.

Usage: python3 benchmarks/serve/in_process_record.py [--host PATH/InProcessHost.dll] [--rounds N] [--burst K]
Build first: dotnet build -c Release benchmarks/serve/InProcessHost (default PATH is that build's output).

Two in-process hosts (InProcessHost: an assistant's host in miniature, nixh.dll beside it) own a data directory each,
one with Projections.LiveApplyWindow 0 ("off"), one with 100 ms ("on", the default; docs/adr/0055). Each round, each
host in turn (order alternating) gets a burst of K `record` requests written straight to its socket, one after the
other, after a pause of SETTLE seconds in which neither host does anything (so one host's projections never apply
during the other's burst). Reported per host: p50 of every record, of the burst's first (settled) and of the rest
(right after a record), with the load before and after.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_HOST = os.path.join(HERE, "InProcessHost", "bin", "Release", "net10.0", "InProcessHost.dll")

from serve_latency import in_server, load  # noqa: E402

WINDOWS = {"off": "00:00:00", "on": "00:00:00.100"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--burst", type=int, default=5)
    parser.add_argument("--settle", type=float, default=0.5)
    options = parser.parse_args()
    root = tempfile.mkdtemp(prefix="nixh-inprocess-bench-")
    hosts, socks = {}, {}
    counter = iter(range(1_000_000))

    def record():
        n = next(counter)
        return ["record", "--user", "maya", "--session", "bench", "--text", f"install package{n}",
                "--command", f"nix-env -iA nixpkgs.package{n}", "--outcome", "success", "--json"]

    try:
        for name, window in WINDOWS.items():
            data = os.path.join(root, name)
            hosts[name] = subprocess.Popen(
                ["dotnet", options.host, f"--NixHumanity:DataDirectory={data}", "--NixHumanity:Embeddings:Kind=NGram",
                 f"--NixHumanity:Projections:LiveApplyWindow={window}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            socks[name] = os.path.join(data, "serve", "nixh.sock")
        deadline = time.time() + 300
        while not all(os.path.exists(s) for s in socks.values()):
            if time.time() > deadline or any(h.poll() is not None for h in hosts.values()):
                sys.exit("a host did not start serving: " + " | ".join(h.stderr.read()[-500:] for h in hosts.values() if h.poll() is not None))
            time.sleep(0.2)
        # The first records open the person's stores: not timed.
        for name in WINDOWS:
            for _ in range(3):
                in_server(socks[name], record())
        loads = [load()]
        first = {name: [] for name in WINDOWS}
        rest = {name: [] for name in WINDOWS}
        names = list(WINDOWS)
        for round_number in range(options.rounds):
            for name in (names if round_number % 2 == 0 else names[::-1]):
                time.sleep(options.settle)
                times = [in_server(socks[name], record()) for _ in range(options.burst)]
                first[name].append(times[0])
                rest[name].extend(times[1:])
        loads.append(load())
        print(f"in-process host serving, in-server record p50 ms ({options.rounds} rounds of {options.burst}; load {' -> '.join(loads)})")
        print(f"{'window':8} {'all':>8} {'first':>8} {'after a record':>15}")
        for name in WINDOWS:
            every = first[name] + rest[name]
            print(f"{name + ' ' + WINDOWS[name][-3:] :8} {statistics.median(every):8.2f} {statistics.median(first[name]):8.2f} {statistics.median(rest[name]):15.2f}")
    finally:
        for host in hosts.values():
            host.terminate()
        for host in hosts.values():
            try:
                host.wait(timeout=120)
            except subprocess.TimeoutExpired:
                host.kill()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
