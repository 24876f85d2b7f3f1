#!/usr/bin/env python3
"""Side-by-side latency of nixh verbs: forwarded to `nixh serve`, inside the server, and without a server.

Usage: python3 benchmarks/serve/serve_latency.py [--nixh PATH/nixh.dll] [--runs N] [--before OTHER/nixh.dll] [--names A,B]
Build first: dotnet build -c Release src/NixHumanity.Cli  (default PATH is that build's output).
With --before, a second build (e.g. a copy of an earlier build's output folder) is measured side by side: each on its
own copy of the same seeded data directory, own-process calls and served requests alternating between the two;
--names labels the two builds in the table (default "before,after"; e.g. "plain,r2r").

Three columns, measured in one run on the same data directory (docs/benchmarks.md, "nixh serve"):
- "own process": the verb with no server, as every verb ran before (`dotnet nixh.dll VERB ...` from a shell);
- "forwarded": the same command line while `nixh serve` owns the directory (a new client process per call);
- "in server": the request written straight to the socket (no client process): the owner's own time plus one
  local round trip.
"""
import argparse, json, os, resource, shutil, socket, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_NIXH = os.path.join(REPO, "src", "NixHumanity.Cli", "bin", "Release", "net10.0", "nixh.dll")


def load():
    return open("/proc/loadavg").read().split()[0]


FAILED = []


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(nixh, args, env, cpu=None):
    """Wall time of one call in ms; its CPU time (user + system, ms) is appended to cpu when given."""
    cpu_start = children_cpu()
    start = time.perf_counter()
    done = subprocess.run(["dotnet", nixh, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = (time.perf_counter() - start) * 1000
    if cpu is not None:
        cpu.append((children_cpu() - cpu_start) * 1000)
    if done.returncode != 0:
        # On a saturated machine a cold start can time out (exit 3, unavailable): reported and counted, not timed.
        print(f"nixh {' '.join(args)} exited {done.returncode}: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}",
              file=sys.stderr)
        FAILED.append(args[0])
        return None
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


def in_turn(builds, round_number):
    """The builds in the order of this round: the first goes first in even rounds, last in odd ones. A call right after
    an in-server `record` (the other build's) is slower while that owner's memory and learner apply the event
    (benchmarks/serve/after_record.py); with a fixed order the second build's `record` and the first build's `status`
    always paid for it."""
    return builds if round_number % 2 == 0 else builds[::-1]


def p50(samples):
    return statistics.median(samples)


def stop_and_remove(server, root):
    """Stops a `nixh serve` started by the caller (None: none was started yet), waiting for it to exit, then removes
    the scratch folder holding its data directory."""
    if server is not None:
        server.terminate()
        server.wait(timeout=120)
    shutil.rmtree(root, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--nixh", default=DEFAULT_NIXH)
    parser.add_argument("--before", help="another build's nixh.dll, measured side by side")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--own-runs", type=int, default=7)
    parser.add_argument("--names", default="before,after", help="labels of the --before build and the --nixh build")
    options = parser.parse_args()
    before_name, after_name = options.names.split(",")
    builds = ([(before_name, options.before)] if options.before else []) + [(after_name if options.before else "nixh", options.nixh)]
    root = tempfile.mkdtemp(prefix="nixh-serve-bench-")
    data = {name: os.path.join(root, name) for name, _ in builds}
    env = {name: dict(os.environ, NIXH_DATA_DIR=data[name], NIXH_EMBEDDER="ngram") for name, _ in builds}
    counter = iter(range(1_000_000))

    def verbs():
        n = next(counter)
        return {
            "status": ["status", "--user", "maya", "--json"],
            "search": ["search", "--user", "maya", "--json", "instal rip grep"],
            "record": ["record", "--user", "maya", "--session", "bench", "--text", f"install package{n}",
                       "--command", f"nix-env -iA nixpkgs.package{n}", "--outcome", "success", "--json"],
        }

    servers = []
    try:
        first, first_dll = builds[0]
        for text, command in [("install ripgrep", "nix-env -iA nixpkgs.ripgrep"), ("open firefox", "firefox")]:
            seed = ["record", "--user", "maya", "--session", "seed", "--text", text, "--command", command, "--outcome", "success"]
            if all(run(first_dll, seed, env[first]) is None for _ in range(3)):
                sys.exit("seeding failed three times")
        FAILED.clear()
        for name, _ in builds[1:]:
            shutil.copytree(data[first], data[name])
        loads = [load()]
        own = {(name, verb): [] for name, _ in builds for verb in verbs()}
        own_cpu = {key: [] for key in own}
        for round_number in range(options.own_runs):
            for verb, args in verbs().items():
                for name, dll in in_turn(builds, round_number):
                    cpu = []
                    if (elapsed := run(dll, args, env[name], cpu)) is not None:
                        own[(name, verb)].append(elapsed)
                        own_cpu[(name, verb)].extend(cpu)
        loads.append(load())

        socks = {}
        for name, dll in builds:
            server = subprocess.Popen(["dotnet", dll, "serve"], env=env[name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            server.stdout.readline()
            servers.append(server)
            socks[name] = os.path.join(data[name], "serve", "nixh.sock")
        forwarded = {key: [] for key in own}
        forwarded_cpu = {key: [] for key in own}
        # A forwarded call that follows the other build's in-server call of the same verb (second in its round) shares
        # the machine with that owner's after-work: for `record`, its memory and learner applying the event.
        by_place = {(name, verb, place): [] for name, _ in builds for verb in verbs() for place in ("first", "second")}
        served = {key: [] for key in own}
        for verb, args in verbs().items():  # warm the owners' paths once
            for name, _ in builds:
                in_server(socks[name], args)
        for round_number in range(options.runs):
            for verb in verbs():
                args = verbs()[verb]
                for place, (name, dll) in zip(("first", "second"), in_turn(builds, round_number)):
                    cpu = []
                    if (elapsed := run(dll, args, env[name], cpu)) is not None:
                        forwarded[(name, verb)].append(elapsed)
                        forwarded_cpu[(name, verb)].extend(cpu)
                        by_place[(name, verb, place)].append(elapsed)
                    served[(name, verb)].append(in_server(socks[name], args))
        loads.append(load())
        stops = []
        for server in servers:
            server.terminate()
            stop_start = time.perf_counter()
            server.wait(timeout=120)
            stops.append(((time.perf_counter() - stop_start) * 1000, server.returncode))

        print(f"load average (1 min) before / after own-process runs / after served runs: {' / '.join(loads)}")
        print(f"{'build':7} {'verb':7} {'own p50':>10} {'own cpu p50':>12} {'forwarded p50':>14} {'fwd cpu p50':>12} {'in server p50':>14} {'own/forwarded':>14}")
        for (name, verb) in own:
            key = (name, verb)
            print(f"{name:7} {verb:7} {p50(own[key]):7.0f} ms {p50(own_cpu[key]):9.0f} ms {p50(forwarded[key]):11.0f} ms "
                  f"{p50(forwarded_cpu[key]):9.0f} ms {p50(served[key]):11.1f} ms {p50(own[key]) / p50(forwarded[key]):13.1f}x")
        if len(builds) > 1:
            print("forwarded p50 by place in the round (second: right after the other build's in-server call of the same verb)")
            for name, _ in builds:
                print(f"{name:7} " + "  ".join(f"{verb} {p50(by_place[(name, verb, 'first')]):.0f} / {p50(by_place[(name, verb, 'second')]):.0f} ms"
                                               for verb in verbs() if by_place[(name, verb, 'first')] and by_place[(name, verb, 'second')]))
        for (name, _), (stop_ms, code) in zip(builds, stops):
            print(f"{name}: serve stopped {stop_ms:.0f} ms after SIGTERM (exit {code})")
        print(f"runs: own {options.own_runs}, forwarded/in server {options.runs} per verb and build; "
              f"failed and left out: {len(FAILED)} ({', '.join(FAILED) or 'none'})")
    finally:
        for server in servers:
            if server.poll() is None:
                server.kill()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
