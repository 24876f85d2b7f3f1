#!/usr/bin/env python3
"""Is a forwarded verb slower right after a record? (docs/benchmarks.md, "Forwarded record right after a record")

Usage: python3 benchmarks/serve/after_record.py [--nixh PATH/nixh.dll] [--rounds N] [--settle SECONDS]

One `nixh serve` owns a seeded data directory. Each round writes one `record` straight to the socket (as
serve_latency.py's "in server" column does), then runs one forwarded verb from a shell (a new client process), either
at once ("right after") or after SECONDS ("settled": the owner's memory and learner have applied that record by then).
The two kinds alternate round by round, and so do the verbs (record, status), so both see the same machine.
Reported: wall time p50 of the forwarded call, and the client process's CPU time p50.
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_NIXH = os.path.join(REPO, "src", "NixHumanity.Cli", "bin", "Release", "net10.0", "nixh.dll")

# The serve benchmark's own helpers (this folder is on the path when the script runs).
from serve_latency import children_cpu, in_server, stop_and_remove  # noqa: E402


def forwarded(nixh, args, env):
    cpu_start = children_cpu()
    start = time.perf_counter()
    done = subprocess.run(["dotnet", nixh, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        sys.exit(f"nixh {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return elapsed, (children_cpu() - cpu_start) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nixh", default=DEFAULT_NIXH)
    parser.add_argument("--rounds", type=int, default=20, help="rounds per verb and kind")
    parser.add_argument("--settle", type=float, default=1.0, help="seconds a settled call waits after the record")
    options = parser.parse_args()
    root = tempfile.mkdtemp(prefix="nixh-after-record-")
    env = dict(os.environ, NIXH_DATA_DIR=root, NIXH_EMBEDDER="ngram")
    counter = iter(range(1_000_000))

    def record():
        n = next(counter)
        return ["record", "--user", "maya", "--session", "bench", "--text", f"install package{n}",
                "--command", f"nix-env -iA nixpkgs.package{n}", "--outcome", "success", "--json"]

    verbs = {"record": record, "status": lambda: ["status", "--user", "maya", "--json"]}
    server = None
    try:
        forwarded(options.nixh, ["record", "--user", "maya", "--session", "seed", "--text", "install ripgrep",
                                 "--command", "nix-env -iA nixpkgs.ripgrep", "--outcome", "success"], env)
        server = subprocess.Popen(["dotnet", options.nixh, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        server.stdout.readline()
        sock = os.path.join(root, "serve", "nixh.sock")
        for verb in verbs.values():  # warm the owner's paths
            in_server(sock, verb())
            forwarded(options.nixh, verb(), env)
        wall = {(verb, kind): [] for verb in verbs for kind in ("right after", "settled")}
        cpu = {key: [] for key in wall}
        load_before = open("/proc/loadavg").read().split()[0]
        for _ in range(options.rounds):
            for verb, args in verbs.items():
                for kind in ("right after", "settled"):
                    in_server(sock, record())
                    if kind == "settled":
                        time.sleep(options.settle)
                    elapsed, used = forwarded(options.nixh, args(), env)
                    wall[(verb, kind)].append(elapsed)
                    cpu[(verb, kind)].append(used)
                    time.sleep(options.settle)  # every round starts on a settled owner
        load_after = open("/proc/loadavg").read().split()[0]
        print(f"load average (1 min) before / after: {load_before} / {load_after}; {options.rounds} rounds per verb and kind")
        print(f"{'verb':7} {'after the record':17} {'forwarded p50':>14} {'client cpu p50':>15}")
        for (verb, kind), samples in wall.items():
            print(f"{verb:7} {kind:17} {statistics.median(samples):11.0f} ms {statistics.median(cpu[(verb, kind)]):12.0f} ms")
    finally:
        stop_and_remove(server, root)


if __name__ == "__main__":
    main()
