#!/usr/bin/env python3
"""Side-by-side latency of nixh verbs: forwarded to `nixh serve`, inside the server, and without a server.

Usage: python3 benchmarks/serve/serve_latency.py [--nixh PATH/nixh.dll] [--runs N]
Build first: dotnet build -c Release src/NixHumanity.Cli  (default PATH is that build's output).

Three columns, measured in one run on the same data directory (docs/benchmarks.md, "nixh serve"):
- "own process": the verb with no server, as every verb ran before (`dotnet nixh.dll VERB ...` from a shell);
- "forwarded": the same command line while `nixh serve` owns the directory (a new client process per call);
- "in server": the request written straight to the socket (no client process): the owner's own time plus one
  local round trip.
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_NIXH = os.path.join(REPO, "src", "NixHumanity.Cli", "bin", "Release", "net10.0", "nixh.dll")


def load():
    return open("/proc/loadavg").read().split()[0]


def run(nixh, args, env):
    start = time.perf_counter()
    done = subprocess.run(["dotnet", nixh, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        sys.exit(f"nixh {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return elapsed


def in_server(sock_path, args):
    start = time.perf_counter()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.connect(sock_path)
        s.sendall((json.dumps({"args": args, "cwd": os.getcwd()}) + "\n").encode())
        for line in s.makefile(encoding="utf-8"):
            reply = json.loads(line)
            if "exit" in reply:
                if reply["exit"] != 0:
                    sys.exit(f"served {args} exited {reply['exit']}")
                break
    return (time.perf_counter() - start) * 1000


def p50(samples):
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nixh", default=DEFAULT_NIXH)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--own-runs", type=int, default=7)
    options = parser.parse_args()
    data = tempfile.mkdtemp(prefix="nixh-serve-bench-")
    env = dict(os.environ, NIXH_DATA_DIR=data, NIXH_EMBEDDER="ngram")
    counter = iter(range(1_000_000))

    def verbs():
        n = next(counter)
        return {
            "status": ["status", "--user", "maya", "--json"],
            "search": ["search", "--user", "maya", "--json", "instal rip grep"],
            "record": ["record", "--user", "maya", "--session", "bench", "--text", f"install package{n}",
                       "--command", f"nix-env -iA nixpkgs.package{n}", "--outcome", "success", "--json"],
        }

    try:
        for text, command in [("install ripgrep", "nix-env -iA nixpkgs.ripgrep"), ("open firefox", "firefox")]:
            run(options.nixh, ["record", "--user", "maya", "--session", "seed", "--text", text, "--command", command, "--outcome", "success"], env)
        loads = [load()]
        own = {verb: [] for verb in verbs()}
        for _ in range(options.own_runs):
            for verb, args in verbs().items():
                own[verb].append(run(options.nixh, args, env))
        loads.append(load())

        server = subprocess.Popen(["dotnet", options.nixh, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        server.stdout.readline()
        sock_path = os.path.join(data, "serve", "nixh.sock")
        forwarded = {verb: [] for verb in verbs()}
        served = {verb: [] for verb in verbs()}
        for verb, args in verbs().items():  # warm the owner's paths once
            in_server(sock_path, args)
        for _ in range(options.runs):
            for verb, args in verbs().items():
                forwarded[verb].append(run(options.nixh, args, env))
                served[verb].append(in_server(sock_path, verbs()[verb]))
        loads.append(load())
        server.terminate()
        stop_start = time.perf_counter()
        server.wait(timeout=120)
        stop_ms = (time.perf_counter() - stop_start) * 1000

        print(f"load average (1 min) before / after own-process runs / after served runs: {' / '.join(loads)}")
        print(f"{'verb':8} {'own process p50':>16} {'forwarded p50':>14} {'in server p50':>14} {'own/forwarded':>14}")
        for verb in own:
            print(f"{verb:8} {p50(own[verb]):13.0f} ms {p50(forwarded[verb]):11.0f} ms {p50(served[verb]):11.1f} ms "
                  f"{p50(own[verb]) / p50(forwarded[verb]):13.1f}x")
        print(f"serve stopped {stop_ms:.0f} ms after SIGTERM (exit {server.returncode}); runs: own {options.own_runs}, forwarded/in server {options.runs}")
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
