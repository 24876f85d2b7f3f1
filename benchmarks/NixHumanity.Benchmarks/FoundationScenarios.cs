using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Benchmarks;

/// <summary>The foundation's performance promises, measured on the embedded SQLite journal.</summary>
internal static class FoundationScenarios
{
    private static (ActorSystem System, IActorRef Directory) Start(string dataDir, int snapshotInterval = 1000)
    {
        var options = new NixHumanityOptions { DataDirectory = dataDir, SnapshotInterval = snapshotInterval };
        options.Validate();
        NixHumanityConfig.PrepareStorage(options);
        var system = ActorSystem.Create("nixh-bench", NixHumanityConfig.Compose(options));
        return (system, system.ActorOf(UserDirectory.Props(options.ToUserSettings(), TimeProvider.System), "users"));
    }

    private static RecordInteraction Interaction(string user, int i) => new(
        user, "bench", $"install package number {i} please", $"nix-env -iA nixpkgs.pkg{i % 500}", "install_package", "install",
        i % 9 == 0 ? InteractionOutcome.Failure : InteractionOutcome.Success);

    /// <summary>Durable acknowledgement latency of <c>record</c> for one user, sequential requests.</summary>
    public static async Task RecordLatencyAsync(string dataDir, int count, BenchmarkReport report)
    {
        Console.Error.WriteLine($"record latency, one user, {count} sequential requests");
        var (system, directory) = Start(dataDir);
        try
        {
            for (var i = 0; i < 50; i++)
            {
                await directory.Ask<InteractionAcknowledged>(Interaction("warmup", i), TimeSpan.FromSeconds(30));
            }

            var latencies = new List<double>(count);
            for (var i = 0; i < count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await directory.Ask<InteractionAcknowledged>(Interaction("maya", i), TimeSpan.FromSeconds(30));
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            latencies.Sort();
            var p50 = BenchmarkReport.Percentile(latencies, 0.50);
            var p99 = BenchmarkReport.Percentile(latencies, 0.99);
            report.Add("record → durable ack, p50 (1 user)", p50, "ms", "≤ 5 ms", p50 <= 5);
            report.Add("record → durable ack, p99 (1 user)", p99, "ms", "≤ 50 ms", p99 <= 50);
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Acknowledged interactions per second with many users writing at once, each sequentially.</summary>
    public static async Task ConcurrentUsersAsync(string dataDir, int users, int perUser, BenchmarkReport report)
    {
        Console.Error.WriteLine($"throughput, {users} users × {perUser} sequential requests each, concurrently");
        var (system, directory) = Start(dataDir);
        try
        {
            // Start every user's tree first so recovery of empty journals is not part of the measurement.
            await Task.WhenAll(Enumerable.Range(0, users).Select(u =>
                directory.Ask<SessionStatus>(new GetSessionStatus($"user-{u}"), TimeSpan.FromSeconds(60))));

            var started = Stopwatch.GetTimestamp();
            var latencies = await Task.WhenAll(Enumerable.Range(0, users).Select(async u =>
            {
                var own = new List<double>(perUser);
                for (var i = 0; i < perUser; i++)
                {
                    var t = Stopwatch.GetTimestamp();
                    await directory.Ask<InteractionAcknowledged>(Interaction($"user-{u}", i), TimeSpan.FromSeconds(60));
                    own.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }

                return own;
            }));
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var all = latencies.SelectMany(l => l).Order().ToList();
            var rate = users * perUser / elapsed;
            report.Add($"acknowledged interactions/s ({users} users concurrently)", rate, "/s", "≥ 2,000/s", rate >= 2000);
            report.Add($"record → durable ack, p50 under load ({users} users)", BenchmarkReport.Percentile(all, 0.5), "ms", "—", null);
            report.Add($"record → durable ack, p99 under load ({users} users)", BenchmarkReport.Percentile(all, 0.99), "ms", "—", null);
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>
    /// Recovery time of a user with <paramref name="events"/> journaled events: replaying all of them, and from a
    /// snapshot plus a short tail. The history is written by <see cref="HistoryWriter"/> with the session's own
    /// persistence id, event types and serializer, in batches, so generating it does not take minutes.
    /// </summary>
    public static async Task RecoveryAsync(string dataDir, int events, BenchmarkReport report)
    {
        Console.Error.WriteLine($"recovery of {events:N0} events, with and without a snapshot");
        var (system, _) = Start(dataDir);
        try
        {
            await WriteHistoryAsync(system, "no-snapshot", events, snapshotAtEnd: false);
            await WriteHistoryAsync(system, "with-snapshot", events, snapshotAtEnd: true);
        }
        finally
        {
            await system.Terminate();
        }

        foreach (var (user, label) in new[] { ("no-snapshot", "without snapshot"), ("with-snapshot", "with snapshot") })
        {
            // A fresh actor system per measurement: nothing is cached; the time is the first answer after start.
            var (fresh, directory) = Start(dataDir, snapshotInterval: int.MaxValue);
            try
            {
                await directory.Ask<SessionStatus>(new GetSessionStatus("warmup"), TimeSpan.FromSeconds(60));
                var started = Stopwatch.GetTimestamp();
                var status = await directory.Ask<SessionStatus>(new GetSessionStatus(user), TimeSpan.FromMinutes(5));
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                if (status.Interactions != events)
                {
                    throw new InvalidOperationException($"recovered {status.Interactions} interactions, expected {events}");
                }

                report.Add($"recovery of {events:N0} events, {label}", seconds, "s", label == "with snapshot" ? "≤ 1 s" : "—",
                    label == "with snapshot" ? seconds <= 1 : null);
            }
            finally
            {
                await fresh.Terminate();
            }
        }
    }

    private static async Task WriteHistoryAsync(ActorSystem system, string user, int events, bool snapshotAtEnd)
    {
        var writer = system.ActorOf(Props.Create(() => new HistoryWriter(user, events, snapshotAtEnd)));
        await writer.Ask<HistoryWriter.Done>(HistoryWriter.Start.Instance, TimeSpan.FromMinutes(10));
    }
}

/// <summary>Writes a synthetic history into a user's session journal (same persistence id and event types).</summary>
internal sealed class HistoryWriter : ReceivePersistentActor
{
    private const int BatchSize = 500;
    private readonly string _user;
    private readonly int _events;
    private readonly bool _snapshotAtEnd;
    private SessionState _state = SessionState.Empty;
    private IActorRef _replyTo = ActorRefs.Nobody;

    public HistoryWriter(string user, int events, bool snapshotAtEnd)
    {
        _user = user;
        _events = events;
        _snapshotAtEnd = snapshotAtEnd;
        Command<Start>(_ => WriteBatch(0, Sender));
        // The snapshot must be durable before the history counts as written.
        Command<SaveSnapshotSuccess>(_ => _replyTo.Tell(Done.Instance));
    }

    public override string PersistenceId => SessionActor.PersistenceIdFor(_user);

    private void WriteBatch(int from, IActorRef replyTo)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        var batch = Enumerable.Range(from, Math.Min(BatchSize, _events - from)).Select(i => (ISessionEvent)new InteractionRecorded(
            Guid.NewGuid().ToString("N"), _user, "history", $"install package number {i} please", $"nix-env -iA nixpkgs.pkg{i % 500}",
            "install_package", "install", InteractionOutcome.Success, null, null, null, 0.5, start.AddSeconds(i * 20))).ToList();
        var remaining = batch.Count;
        PersistAll(batch, evt =>
        {
            _state = _state.Apply(evt, new FlowOptions());
            if (--remaining > 0)
            {
                return;
            }

            if (from + batch.Count < _events)
            {
                WriteBatch(from + batch.Count, replyTo);
                return;
            }

            if (_snapshotAtEnd)
            {
                _replyTo = replyTo;
                SaveSnapshot(_state);
                return;
            }

            replyTo.Tell(Done.Instance);
        });
    }

    public sealed record Start
    {
        public static readonly Start Instance = new();
    }

    public sealed record Done
    {
        public static readonly Done Instance = new();
    }
}
