using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using NixHumanity.Actors.Hosting;

namespace NixHumanity.Benchmarks;

/// <summary>
/// The journal alone, without any code of ours around it: many bare persistent actors writing at once, on the
/// SQLite journal as the plugin ships it and with our group commit, side by side in one run.
/// </summary>
internal static class JournalScenarios
{
    private const string PluginAsShipped = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql";

    /// <summary>Events/s of <paramref name="writers"/> actors each persisting <paramref name="eventsEach"/> events in turn.</summary>
    public static async Task GroupCommitAsync(string dataDir, int writers, int eventsEach, BenchmarkReport report)
    {
        Console.Error.WriteLine($"journal alone, {writers} bare persistent actors × {eventsEach} events, plugin as shipped vs group commit");
        var rates = new Dictionary<string, List<double>> { ["as shipped"] = [], ["group commit"] = [] };

        // Alternated twice, so drift in the shared machine's load touches both alike.
        for (var round = 0; round < 2; round++)
        {
            foreach (var variant in rates.Keys)
            {
                var folder = Path.Combine(dataDir, $"{variant.Replace(' ', '-')}-{round}");
                rates[variant].Add(await MeasureAsync(folder, variant == "as shipped" ? PluginAsShipped : null, writers, eventsEach));
            }
        }

        var shipped = rates["as shipped"].Max();
        var grouped = rates["group commit"].Max();
        report.Add($"journal alone, {writers} writers: plugin as shipped (best of 2)", shipped, "/s", "—", null);
        report.Add($"journal alone, {writers} writers: group commit (best of 2)", grouped, "/s", "—", null);
        report.Add("journal alone: group commit / as shipped", grouped / shipped, "×", "—", null);
    }

    private static async Task<double> MeasureAsync(string dataDir, string? journalClass, int writers, int eventsEach)
    {
        var options = new NixHumanityOptions { DataDirectory = dataDir };
        options.Validate();
        NixHumanityConfig.PrepareStorage(options);
        var config = NixHumanityConfig.Compose(options);
        if (journalClass is not null)
        {
            config = ConfigurationFactory.ParseString($"akka.persistence.journal.sql.class = \"{journalClass}\"").WithFallback(config);
        }

        var system = ActorSystem.Create("nixh-journal-bench", config);
        try
        {
            var actors = Enumerable.Range(0, writers).Select(i => system.ActorOf(Props.Create(() => new Writer($"writer-{i}")))).ToArray();
            await Task.WhenAll(actors.Select(a => a.Ask<int>(-1, TimeSpan.FromSeconds(60))));
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(actors.Select(async actor =>
            {
                for (var i = 0; i < eventsEach; i++)
                {
                    await actor.Ask<int>(i, TimeSpan.FromSeconds(60));
                }
            }));
            return writers * eventsEach / Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Persists each integer it is sent and replies with it once durable.</summary>
    private sealed class Writer : ReceivePersistentActor
    {
        public Writer(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<int>(_ => { });
            Command<int>(value =>
            {
                var requester = Sender;
                Persist(value, v => requester.Tell(v));
            });
        }

        public override string PersistenceId { get; }
    }
}
