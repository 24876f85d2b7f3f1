using NixHumanity.Benchmarks;

// Scenario benchmarks of the foundation: durable-ack latency, concurrent throughput, recovery.
// Usage: dotnet run -c Release --project benchmarks/NixHumanity.Benchmarks -- [--quick]
var quick = args.Contains("--quick");
var workDir = Path.Combine(Path.GetTempPath(), $"nixh-bench-{Guid.NewGuid():N}");
Directory.CreateDirectory(workDir);
try
{
    var report = new BenchmarkReport();
    await FoundationScenarios.RecordLatencyAsync(Path.Combine(workDir, "latency"), quick ? 300 : 3000, report);
    await FoundationScenarios.ConcurrentUsersAsync(Path.Combine(workDir, "concurrent"), users: 100, perUser: quick ? 10 : 100, report);
    await FoundationScenarios.RecoveryAsync(Path.Combine(workDir, "recovery"), quick ? 10_000 : 100_000, report);
    report.Print();
}
finally
{
    Directory.Delete(workDir, recursive: true);
}
