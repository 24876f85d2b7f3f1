#!/usr/bin/env bash
# Vector memory store vs LanceDB on identical data, in one run (issue 4, point 8).
# Installs the LanceDB peer's npm dependencies, then runs the C# scenario program, which writes the data files,
# measures the store, runs the peer (node benchmarks/lancedb-peer/bench.mjs) and prints/writes the tables to
# benchmarks/NixHumanity.VectorBenchmarks/data/results.md. Extra arguments go to the program, e.g.
#   benchmarks/run-vector-benchmark.sh --rows 10000 --queries 100
#   benchmarks/run-vector-benchmark.sh --ivf        # also build and measure LanceDB's IVF_PQ index at 100k
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
(cd "$here/lancedb-peer" && npm install --no-audit --no-fund)
dotnet run -c Release --project "$here/NixHumanity.VectorBenchmarks" -- \
  --data "$here/NixHumanity.VectorBenchmarks/data" --peer "$here/lancedb-peer" "$@"
