#!/usr/bin/env python3
"""CPU of an idle `nixh serve` owner, two builds side by side (docs/benchmarks.md, "An idle owner's timers").

Usage: python3 benchmarks/serve/idle_cpu.py --before OLD/nixh.dll --after NEW/nixh.dll [--users N] [--settle S] [--window S] [--rounds R]

Each build serves its own fresh data directory (n-gram embedder); USERS people record one interaction each through
the socket, then the owners are left alone for SETTLE seconds (the projections' idle checkpoint and the learners'
first fold fall in it) and sampled ROUNDS times over WINDOW seconds, both owners in the same windows. Reported per
build: the process's CPU (utime + stime) per second of wall time, the `.NET Timer` thread's CPU and its voluntary
context switches (wake-ups) per second, and the thread-pool workers' wake-ups per second. Linux only (/proc).
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from serve_latency import in_server  # noqa: E402

TICK_SECONDS = 1 / os.sysconf("SC_CLK_TCK")


def threads(pid):
    """(name, cpu seconds, voluntary switches) of every thread of the process."""
    found = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                switches = next(int(line.split()[1]) for line in f if line.startswith("voluntary_ctxt_switches"))
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that ended meanwhile
        found.append((tid, name, (int(fields[11]) + int(fields[12])) * TICK_SECONDS, switches))
    return found


def process_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * TICK_SECONDS


def sample(pid):
    per_thread = {tid: (name, cpu, switches) for tid, name, cpu, switches in threads(pid)}
    return process_cpu(pid), per_thread


def rates(before, after, seconds):
    cpu0, threads0 = before
    cpu1, threads1 = after
    timer_cpu = timer_wakes = pool_wakes = 0.0
    for tid, (name, cpu, switches) in threads1.items():
        if tid not in threads0:
            continue
        _, cpu_then, switches_then = threads0[tid]
        if name == ".NET Timer":
            timer_cpu += cpu - cpu_then
            timer_wakes += switches - switches_then
        elif name == ".NET TP Worker":
            pool_wakes += switches - switches_then
    return {
        "process ms/s": (cpu1 - cpu0) * 1000 / seconds,
        "timer thread ms/s": timer_cpu * 1000 / seconds,
        "timer wake-ups/s": timer_wakes / seconds,
        "pool wake-ups/s": pool_wakes / seconds,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--users", type=int, default=1)
    parser.add_argument("--settle", type=float, default=60)
    parser.add_argument("--window", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=4)
    options = parser.parse_args()
    root = tempfile.mkdtemp(prefix="nixh-idle-cpu-")
    servers = {}
    try:
        for name, dll in (("before", options.before), ("after", options.after)):
            data = os.path.join(root, name)
            env = dict(os.environ, NIXH_DATA_DIR=data, NIXH_EMBEDDER="ngram")
            server = subprocess.Popen(["dotnet", dll, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            server.stdout.readline()  # the "serving" line: the socket is open
            servers[name] = server
            sock = os.path.join(data, "serve", "nixh.sock")
            for user in range(options.users):
                in_server(sock, ["record", "--user", f"idle{user}", "--session", "s1", "--text", "install firefox",
                                 "--command", "nix-env -iA nixpkgs.firefox", "--json"])
        time.sleep(options.settle)
        results = {name: [] for name in servers}
        loads = [os.getloadavg()[0]]
        for _ in range(options.rounds):
            before = {name: sample(server.pid) for name, server in servers.items()}
            start = time.monotonic()
            time.sleep(options.window)
            seconds = time.monotonic() - start
            for name, server in servers.items():
                results[name].append(rates(before[name], sample(server.pid), seconds))
            loads.append(os.getloadavg()[0])
        print(f"users {options.users}, settle {options.settle:.0f} s, {options.rounds} windows of {options.window:.0f} s, "
              f"load average {min(loads):.1f}-{max(loads):.1f}")
        keys = list(results["before"][0])
        print("| build | " + " | ".join(f"{k} (median; min-max)" for k in keys) + " |")
        print("|---|" + "---|" * len(keys))
        for name, rows in results.items():
            cells = []
            for key in keys:
                values = [row[key] for row in rows]
                cells.append(f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})")
            print(f"| {name} | " + " | ".join(cells) + " |")
    finally:
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            server.wait(timeout=120)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
