using NixHumanity.Benchmarks;

// Scenario benchmarks of the foundation: durable-ack latency, the journal alone (group commit), concurrent
// throughput, recovery, import.
// Usage: dotnet run -c Release --project benchmarks/NixHumanity.Benchmarks -- [--quick]
// [--only import] runs just the import scenario.
var quick = args.Contains("--quick");
var importOnly = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault() == "import";
var workDir = Path.Combine(Path.GetTempPath(), $"nixh-bench-{Guid.NewGuid():N}");
Directory.CreateDirectory(workDir);
try
{
    var report = new BenchmarkReport();
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
