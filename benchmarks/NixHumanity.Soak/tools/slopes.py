#!/usr/bin/env python3
"""Per-minute trends of a soak's `sample` lines (least squares over the samples in a window).

Usage: slopes.py [--every MINUTES] LOG [LOG...]   prints, per log, the first/last value and the slope in MB/min of the memory figures
(rss_not_harness: RSS without the harness's own list of acknowledged ids; rss_not_caches: that without DuckDB's
buffer pools) over the whole run, the last 20 and the last 15 minutes (first->last value in MB), the largest value, the per-ack slope of glibc's heap in use, and its
slope without SQLite per MB of the stores' files (store_bytes). With --every, it also prints each figure's slope in
consecutive windows of that many minutes, so a growth that slows down (levels off) shows apart from one that keeps on.
A `stopped` line (the same fields once the host has stopped) is shown against the last sample, not taken into the slopes.
"""
import re
import sys

FIELDS = ["rss", "rss_not_harness", "rss_not_caches", "live", "committed", "duckdb", "anon", "malloc_used", "malloc_free", "sqlite_used", "malloc_not_sqlite", "harness", "store_bytes"]


def parse(parts):
    row = {"t": float(parts[1])}
    for part in parts[2:]:
        key, _, value = part.partition("=")
        if re.fullmatch(r"-?\d+", value):
            row[key] = int(value)
    if "rss" in row and "harness" in row:
        # The host's own memory: the harness's list of acknowledged ids is in the process but not the host's.
        row["rss_not_harness"] = row["rss"] - row["harness"]
        if "duckdb" in row:
            # ... and without DuckDB's buffer pools, caches bounded by their memory_limit (docs/adr/0059).
            row["rss_not_caches"] = row["rss_not_harness"] - row["duckdb"]
    if "malloc_used" in row and "sqlite_used" in row:
        # glibc's heap in use without SQLite's share: DuckDB's own C++ objects and the runtime's native parts.
        row["malloc_not_sqlite"] = row["malloc_used"] - row["sqlite_used"]
    return row


def samples(path):
    """The `sample` rows in order, and the `stopped` row (the same fields once the host has stopped) or None."""
    rows, stopped = [], None
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith("sample "):
            rows.append(parse(line.split()))
        elif line.startswith("stopped "):
            stopped = parse(line.split())
    return rows, stopped


def slope(points):
    n = len(points)
    if n < 2:
        return float("nan")
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else float("nan")


def report(path, rows):
    if not rows:
        print(f"{path}: no samples")
        return
    end = rows[-1]["t"]
    windows = [("whole", 0.0), ("last20", end - 1200), ("last15", end - 900)]
    print(f"{path}: {len(rows)} samples, {end:.0f} s, acks {rows[-1].get('acks', 0):,}")
    for field in FIELDS:
        if field not in rows[-1]:
            continue
        cells = []
        for name, start in windows:
            window = [r for r in rows if r["t"] >= start and r.get(field, -1) >= 0]
            if len(window) < 2:
                continue
            per_minute = slope([(r["t"] / 60, r[field] / 1e6) for r in window])
            cells.append(f"{name} {per_minute:+.2f} MB/min ({window[0][field] / 1e6:.0f}->{window[-1][field] / 1e6:.0f})")
        peak = max(r.get(field, -1) for r in rows)
        print(f"  {field:17} " + " | ".join(cells) + f" | max {peak / 1e6:.0f}")
    for name, start in windows:
        window = [r for r in rows if r["t"] >= start and r.get("malloc_used", -1) >= 0]
        if len(window) >= 2:
            per_kilo_ack = slope([(r["acks"] / 1000, r["malloc_used"]) for r in window])
            print(f"  malloc_used per ack, {name}: {per_kilo_ack / 1000:.0f} bytes")
        # Native growth against the data the stores hold: a leak grows faster than the files, data growth with them.
        window = [r for r in rows if r["t"] >= start and r.get("store_bytes", -1) > 0 and "malloc_not_sqlite" in r]
        if len(window) >= 2:
            files = slope([(r["t"] / 60, r["store_bytes"] / 1e6) for r in window])
            heap = slope([(r["t"] / 60, r["malloc_not_sqlite"] / 1e6) for r in window])
            if files > 0:
                print(f"  malloc_not_sqlite per MB of store files, {name}: {heap / files * 1000:.0f} KB")


def report_every(rows, minutes):
    if not rows:
        return
    end = rows[-1]["t"]
    width = minutes * 60
    starts = [k * width for k in range(int(end // width) + 1) if k * width < end]
    print(f"  slopes in consecutive {minutes:g}-minute windows, MB/min:")
    print(f"  {'':17} " + " ".join(f"{s / 60:>5.0f}-{min(s + width, end) / 60:<5.0f}" for s in starts))
    for field in FIELDS:
        if field not in rows[-1]:
            continue
        cells = []
        for start in starts:
            window = [r for r in rows if start <= r["t"] < start + width and r.get(field, -1) >= 0]
            value = slope([(r["t"] / 60, r[field] / 1e6) for r in window]) if len(window) >= 2 else float("nan")
            cells.append(f"{value:+11.2f}")
        print(f"  {field:17} " + " ".join(cells))


arguments = sys.argv[1:]
every = None
if len(arguments) >= 2 and arguments[0] == "--every":
    every = float(arguments[1])
    arguments = arguments[2:]
for log in arguments:
    rows, stopped = samples(log)
    report(log, rows)
    if stopped and rows:
        # Every store detached and every DuckDB instance closed: what the heap still holds is not the stores'.
        print("  after the host stopped (MB, last sample -> stopped): " + ", ".join(
            f"{field} {rows[-1][field] / 1e6:.0f} -> {stopped[field] / 1e6:.0f}"
            for field in ("rss", "malloc_used", "malloc_not_sqlite", "duckdb") if field in stopped and field in rows[-1]))
    if every:
        report_every(rows, every)
