#!/usr/bin/env python3
"""The verbs other than status/search/record in their own process, against the ≤ 1 s target (docs/benchmarks.md,
"Verbs without a server: the rest").

Usage: python3 benchmarks/serve/own_process_verbs.py [--nixh PATH/nixh.dll] [--before OTHER/nixh.dll] [--names A,B]
                                                      [--runs N] [--interactions N] [--verbs V1,V2]

A small user (maya, --interactions records with flow scores, folded once) is written through `nixh serve`, which is
then stopped; each verb then runs in its own process (`dotnet nixh.dll VERB ...`, no server), --runs times, and with
--before the other build on its own copy of the same data directory, the two alternating call by call. Reported per
verb and build: wall time p50 and the process's CPU time (user + system) p50.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_NIXH = os.path.join(REPO, "src", "NixHumanity.Cli", "bin", "Release", "net10.0", "nixh.dll")

from serve_latency import in_server, in_turn, load, run, FAILED  # noqa: E402

TARGET_MS = 1000


def verbs(scratch):
    """The command lines measured; export and chart write into a fresh folder each run."""
    def fresh(name):
        folder = tempfile.mkdtemp(prefix=f"{name}-", dir=scratch)
        os.rmdir(folder)  # export wants a new or empty folder
        return folder

    return {
        "query flow": lambda: ["query", "flow", "--user", "maya", "--json"],
        "query interruptions": lambda: ["query", "interruptions", "--user", "maya", "--json"],
        "query learning": lambda: ["query", "learning", "--user", "maya", "--json"],
        "suggest": lambda: ["suggest", "--user", "maya", "--json"],
        "preferences": lambda: ["preferences", "--user", "maya", "--json"],
        "stats": lambda: ["stats", "--json"],
        "chart": lambda: ["chart", "--user", "maya", "--out", fresh("chart"), "--json"],
        "fold": lambda: ["fold", "--user", "maya", "--json"],
        "export": lambda: ["export", "--user", "maya", "--out", fresh("export"), "--json"],
    }


def seed(nixh, env, interactions):
    """Writes maya's interactions through a server (milliseconds each) and stops it."""
    server = subprocess.Popen(["dotnet", nixh, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        server.stdout.readline()
        sock = os.path.join(env["NIXH_DATA_DIR"], "serve", "nixh.sock")
        commands = ["nix-env -iA nixpkgs.ripgrep", "firefox", "git status", "nix-collect-garbage -d", "htop"]
        for n in range(interactions):
            in_server(sock, ["record", "--user", "maya", "--session", f"s{n // 10}", "--text", f"request {n}",
                             "--command", commands[n % len(commands)], "--outcome", "success" if n % 4 else "failure",
                             "--flow-score", f"{0.3 + 0.6 * ((n * 7) % 10) / 10:.2f}", "--json"])
        in_server(sock, ["fold", "--user", "maya", "--json"])
    finally:
        server.terminate()
        server.wait(timeout=120)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nixh", default=DEFAULT_NIXH)
    parser.add_argument("--before", help="another build's nixh.dll, measured side by side")
    parser.add_argument("--names", default="before,after")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--interactions", type=int, default=40)
    parser.add_argument("--verbs", help="only these verbs (comma-separated names as printed), e.g. stats,chart,export")
    options = parser.parse_args()
    before_name, after_name = options.names.split(",")
    builds = ([(before_name, options.before)] if options.before else []) + [(after_name if options.before else "nixh", options.nixh)]
    root = tempfile.mkdtemp(prefix="nixh-own-verbs-")
    scratch = os.path.join(root, "out")
    os.makedirs(scratch)
    data = {name: os.path.join(root, name) for name, _ in builds}
    env = {name: dict(os.environ, NIXH_DATA_DIR=data[name], NIXH_EMBEDDER="ngram") for name, _ in builds}
    try:
        first, first_dll = builds[0]
        seed(first_dll, env[first], options.interactions)
        for name, _ in builds[1:]:
            shutil.copytree(data[first], data[name])
        commands = verbs(scratch)
        if options.verbs:
            chosen = options.verbs.split(",")
            unknown = [verb for verb in chosen if verb not in commands]
            if unknown:
                sys.exit(f"--verbs: no such verb: {', '.join(unknown)} (known: {', '.join(commands)})")
            commands = {verb: commands[verb] for verb in chosen}
        wall = {(name, verb): [] for name, _ in builds for verb in commands}
        cpu = {key: [] for key in wall}
        loads = [load()]
        for round_number in range(options.runs):
            for verb, args in commands.items():
                for name, dll in in_turn(builds, round_number):
                    used = []
                    if (elapsed := run(dll, args(), env[name], used)) is not None:
                        wall[(name, verb)].append(elapsed)
                        cpu[(name, verb)].extend(used)
        loads.append(load())
        print(f"load average (1 min) before / after: {' / '.join(loads)}; {options.runs} runs per verb and build; "
              f"{options.interactions} interactions")
        print(f"{'build':7} {'verb':20} {'own p50':>9} {'cpu p50':>9}  target {TARGET_MS} ms")
        for (name, verb), samples in wall.items():
            if not samples:
                print(f"{name:7} {verb:20} every run failed")
                continue
            p50 = statistics.median(samples)
            print(f"{name:7} {verb:20} {p50:6.0f} ms {statistics.median(cpu[(name, verb)]):6.0f} ms  {'met' if p50 <= TARGET_MS else 'over'}")
        print(f"failed and left out: {len(FAILED)} ({', '.join(FAILED) or 'none'})")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
