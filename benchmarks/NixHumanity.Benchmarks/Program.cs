using NixHumanity.Benchmarks;

// Scenario benchmarks of the foundation: durable-ack latency, the journal alone (group commit), concurrent
// throughput, recovery, import.
// Usage: dotnet run -c Release --project benchmarks/NixHumanity.Benchmarks -- [--quick]
// [--only import] runs just the import scenario; [--only embedding-load [--users N] [--per-user N]] just the
// many-users scenario with the n-gram and the MiniLM embedder side by side (EmbeddingLoadScenarios);
// [--only model-latency] one user's record → searchable and search at 10k memories with MiniLM (ModelLatencyScenarios);
// [--only handoff --postgres CONN [--events 100,1000,10000] [--behind N]] the cluster hand-off of one big user per size (ClusterHandOffScenarios).
// [--only cluster --postgres CONN [--nodes 1,2,3] [--users 30] [--per-user 20] [--clients 8] [--kill-steps 30]
// [--retry-after 20] [--handoff-events 100,1000,10000|none] [--nixh PATH] [--node-logs DIR]] nixh serve --cluster processes: throughput
// and ack latency by node count, recovery after kill -9 of a node, the hand-off by user size (ClusterThroughputScenarios).
// [--only capacity [--users 400,1000,2000] [--per-user 3]] memory, file handles, start and stop per active user, each size
// in its own process (CapacityScenarios).
// [--only reopen-breakdown [--attached 10,100,500,1000] [--sample 20]] one user's store open, step by step, by how many
// users' files are already attached to the shared DuckDB instances (ReopenBreakdownScenarios).
// [--only catchup [--users 20] [--behind 2000] [--batch 256,1024] [--recording-users 100] [--recording-seconds 60]
// [--ask-seconds 60] [--parts catchup,status,live] [--shared-embedding]] projections catching up from the journal (events/s
// per batch size), one user's status and search latency while many record, and memories catching up while their
// users keep recording (CatchUpScenarios).
var quick = args.Contains("--quick");
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
if (only == "capacity-node")
{
    await CapacityScenarios.RunNodeAsync(args);
    return;
}

var importOnly = only == "import";
var workDir = Path.Combine(Path.GetTempPath(), $"nixh-bench-{Guid.NewGuid():N}");
Directory.CreateDirectory(workDir);
try
{
    var report = new BenchmarkReport();
    if (only == "model-latency")
    {
        await ModelLatencyScenarios.RunAsync(workDir, args, report);
        report.Print();
        return;
    }

    if (only == "capacity")
    {
        await CapacityScenarios.RunAsync(workDir, args, report);
        report.Print();
        return;
    }

    if (only == "reopen-breakdown")
    {
        await ReopenBreakdownScenarios.RunAsync(workDir, args, report);
        report.Print();
        return;
    }

    if (only == "cluster")
    {
        await ClusterThroughputScenarios.RunAsync(workDir, args, report);
        report.Print();
        return;
    }

    if (only == "handoff")
    {
        await ClusterHandOffScenarios.RunAsync(workDir, args, report);
        report.Print();
        return;
    }

    if (only == "catchup")
    {
        await CatchUpScenarios.RunAsync(workDir, args, report);
        report.Print();
        return;
    }

    if (only == "embedding-load")
    {
        await EmbeddingLoadScenarios.RunAsync(workDir, args, report);
        report.Print();
        return;
    }

    if (!importOnly)
    {
        await FoundationScenarios.RecordLatencyAsync(Path.Combine(workDir, "latency"), quick ? 300 : 3000, report);
        await JournalScenarios.GroupCommitAsync(Path.Combine(workDir, "journal"), writers: 100, eventsEach: quick ? 20 : 100, report);
        await FoundationScenarios.ConcurrentUsersAsync(Path.Combine(workDir, "concurrent"), users: 100, perUser: quick ? 10 : 100, report);
        await FoundationScenarios.RecoveryAsync(Path.Combine(workDir, "recovery"), quick ? 10_000 : 100_000, report);
    }

    await ImportScenarios.SqliteImportAsync(Path.Combine(workDir, "import"), quick ? 10_000 : 100_000, report);
    report.Print();
}
finally
{
    Directory.Delete(workDir, recursive: true);
}
