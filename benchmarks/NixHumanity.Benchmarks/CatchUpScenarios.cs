using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Benchmarks;

/// <summary>
/// Issue 12: projections that fall behind. Two parts, each in fresh data directories, with the n-gram embedder (the
/// soak's):
/// <list type="bullet">
/// <item><b>catch-up</b>: <c>--users</c> users record <c>--behind</c> events each with only their sessions running
/// (components started on demand), then every memory and learner is asked its status: each starts, reads the journal
/// from 0 and answers once caught up. Reported: events/s of the memories and of the learners (all users' events over
/// the time until the last one answered). Each value of <c>--batch</c> (<c>Projections.CatchUpBatchSize</c>; 256 is what a catch-up read before it) is run in
/// turn, in the order given, so two settings are compared side by side in one run.</item>
/// <item><b>status while recording</b>: <c>--recording-users</c> users record without pause for
/// <c>--recording-seconds</c>; meanwhile one of them (<c>user-0</c>) is asked its memory's and its learner's status,
/// what the <c>status</c> verb asks (the session's status, then the likely next commands) and a search, and so is a
/// user who recorded once and then stays idle (<c>idle</c>: the same four), each kind of request on a loop of its own
/// without pause. Reported per kind: answers, timeouts (<c>--ask-seconds</c>), latency p50/p90/p99/max; how far the
/// status checkpoints were behind the last acknowledged record; and from the memory's request spans, the work of the
/// memory's turn for each search (applying its buffered events, then searching), the rest being the wait for the turn.
/// Run once per <c>--store-dispatcher</c> (<c>fork-join</c>: Akka's ForkJoinDispatcher as before ADR 0056,
/// <c>request-first</c>: the configured one), in the order given, side by side.</item>
/// <item><b>live</b>: a catch-up while the people keep recording. <c>--users</c> users record <c>--behind</c> events
/// each with only their sessions running (their memories stopped), then go on recording without pause while every
/// memory is started (asked its status, answered once caught up): each reads the journal from 0 while its session
/// pushes new events, which it keeps up to one batch and otherwise reads in further rounds. Reported: catch-up
/// events/s (the events the answers cover, over the time until the last answer) and acknowledgement latency p50/p99
/// before the memories start and during the catch-up. <c>--shared-embedding</c> sets
/// <c>Memory.SharedEmbedding</c> (records held unapplied while the shared service embeds them).</item>
/// </list>
/// Usage: dotnet run -c Release --project benchmarks/NixHumanity.Benchmarks -- --only catchup [--users 20] [--behind 2000]
/// [--batch 256,1024] [--recording-users 100] [--recording-seconds 60] [--ask-seconds 60] [--parts catchup,status,live]
/// [--store-dispatcher fork-join,request-first]
/// [--shared-embedding].
/// </summary>
internal static class CatchUpScenarios
{
    public static async Task RunAsync(string workDir, string[] args, BenchmarkReport report)
    {
        var parts = List(args, "--parts", "catchup,status");
        if (parts.Contains("catchup"))
        {
            var users = Value(args, "--users", 20);
            var behind = Value(args, "--behind", 2000);
            foreach (var (batch, run) in List(args, "--batch", "256,1024").Select((b, i) => (int.Parse(b, CultureInfo.InvariantCulture), i)))
            {
                await CatchUpAsync(Path.Combine(workDir, $"catchup-{run}"), users, behind, batch, report);
            }
        }

        if (parts.Contains("live"))
        {
            await CatchUpWhileRecordingAsync(
                Path.Combine(workDir, "live"), Value(args, "--users", 20), Value(args, "--behind", 2000), args.Contains("--shared-embedding"), report);
        }

        if (parts.Contains("status"))
        {
            foreach (var dispatcher in List(args, "--store-dispatcher", "fork-join,request-first"))
            {
                await StatusWhileRecordingAsync(
                    Path.Combine(workDir, $"status-{dispatcher}"), Value(args, "--recording-users", 100), TimeSpan.FromSeconds(Value(args, "--recording-seconds", 60)),
                    TimeSpan.FromSeconds(Value(args, "--ask-seconds", 60)), dispatcher, report);
            }
        }
    }

    private static async Task CatchUpAsync(string dataDir, int users, int behind, int batch, BenchmarkReport report)
    {
        var label = $"catch-up, batch {batch}";
        var options = Options(dataDir);
        options.StartComponentsOnDemand = true;
        options.Projections.CatchUpBatchSize = batch;
        await using var node = await Node.StartAsync(options);
        Console.Error.WriteLine($"{label}: {users} users record {behind} events each, sessions only (load {EmbeddingLoadScenarios.LoadAverage()})");
        var last = await Task.WhenAll(Enumerable.Range(0, users).Select(async u =>
        {
            var sequenceNr = 0L;
            for (var i = 0; i < behind; i++)
            {
                sequenceNr = (await node.Directory.Ask<InteractionAcknowledged>(Interaction($"user-{u}", i), TimeSpan.FromSeconds(120))).SequenceNr;
            }

            return sequenceNr;
        }));

        // A session journals more than the interactions (its start), so the events to catch up are the journal's.
        var events = last.Sum();
        Console.Error.WriteLine($"{label}: {events} events journaled; starting every memory and learner (load {EmbeddingLoadScenarios.LoadAverage()})");
        var started = Stopwatch.GetTimestamp();
        var memory = CaughtUpAfterAsync(node.Directory, last, u => new GetMemoryStatus(u), started);
        var learner = CaughtUpAfterAsync(node.Directory, last, u => new GetLearnerStatus(u), started);
        var (memorySeconds, learnerSeconds) = (await memory, await learner);
        report.Add($"[{label}] memories caught up ({users} users, {events} events)", events / memorySeconds, "events/s", "—", null);
        report.Add($"[{label}] learners caught up ({users} users, {events} events)", events / learnerSeconds, "events/s", "—", null);
        report.Add($"[{label}] all caught up after", Math.Max(memorySeconds, learnerSeconds), "s", "—", null);
        Console.Error.WriteLine($"{label}: done (load {EmbeddingLoadScenarios.LoadAverage()})");
    }

    /// <summary>
    /// Asks every user's component its status; a component catching up at start answers once it has caught up, so the
    /// last answer is when all of them have (checked: every answer must carry the user's last event, <paramref name="last"/>).
    /// </summary>
    private static async Task<double> CaughtUpAfterAsync(IActorRef directory, long[] last, Func<string, object> status, long started)
    {
        var answers = await Task.WhenAll(last.Select((_, u) => directory.Ask<ProjectionStatus>(status($"user-{u}"), TimeSpan.FromMinutes(10))));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (answers.Select((a, u) => (Answer: a, Last: last[u])).FirstOrDefault(a => a.Answer.LastSequenceNr != a.Last) is { Answer: not null } wrong)
        {
            throw new InvalidOperationException($"{wrong.Answer.Component} of {wrong.Answer.UserId} answered at #{wrong.Answer.LastSequenceNr}, not #{wrong.Last}");
        }

        return seconds;
    }

    private static async Task CatchUpWhileRecordingAsync(string dataDir, int users, int behind, bool sharedEmbedding, BenchmarkReport report)
    {
        var label = $"catch-up while {users} users record{(sharedEmbedding ? ", shared embedding" : "")}";
        var options = Options(dataDir);
        options.StartComponentsOnDemand = true;
        options.Memory.SharedEmbedding = sharedEmbedding;
        await using var node = await Node.StartAsync(options);
        Console.Error.WriteLine($"{label}: {users} users record {behind} events each, memories stopped (load {EmbeddingLoadScenarios.LoadAverage()})");
        using var stop = new CancellationTokenSource();
        var memoriesStarted = 0L;
        var catchingUp = 1;
        var acks = new System.Collections.Concurrent.ConcurrentBag<(bool During, double Milliseconds)>();
        var recorded = new int[users];
        var ahead = new TaskCompletionSource();
        var recorders = Enumerable.Range(0, users).Select(u => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await node.Directory.Ask<InteractionAcknowledged>(Interaction($"user-{u}", i), TimeSpan.FromSeconds(120));
                var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                // An ack asked before the memories started and answered after belongs to neither phase.
                var startedAt = Interlocked.Read(ref memoriesStarted);
                if (startedAt == 0)
                {
                    acks.Add((false, milliseconds));
                }
                else if (started >= startedAt && Volatile.Read(ref catchingUp) == 1)
                {
                    acks.Add((true, milliseconds));
                }

                if (Interlocked.Increment(ref recorded[u]) == behind && recorded.All(r => r >= behind))
                {
                    ahead.TrySetResult();
                }
            }
        })).ToList();

        await ahead.Task;
        Console.Error.WriteLine($"{label}: {recorded.Sum()} recorded; starting every memory while recording goes on (load {EmbeddingLoadScenarios.LoadAverage()})");
        var t0 = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref memoriesStarted, t0);
        var answers = await Task.WhenAll(Enumerable.Range(0, users).Select(u => node.Directory.Ask<ProjectionStatus>(new GetMemoryStatus($"user-{u}"), TimeSpan.FromMinutes(20))));
        var seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Volatile.Write(ref catchingUp, 0);
        var events = answers.Sum(a => a.LastSequenceNr);
        await stop.CancelAsync();
        await Task.WhenAll(recorders);
        report.Add($"[{label}] memories caught up ({users} users, {events} events in the answers)", events / seconds, "events/s", "—", null);
        report.Add($"[{label}] all caught up after", seconds, "s", "—", null);
        foreach (var (during, name) in new[] { (false, "before the memories start"), (true, "during the catch-up") })
        {
            var sorted = acks.Where(a => a.During == during).Select(a => a.Milliseconds).Order().ToList();
            report.Add($"[{label}] acks {name}", sorted.Count, "acks", "—", null);
            if (sorted.Count > 0)
            {
                report.Add($"[{label}] ack p50 {name}", BenchmarkReport.Percentile(sorted, 0.5), "ms", "—", null);
                report.Add($"[{label}] ack p99 {name}", BenchmarkReport.Percentile(sorted, 0.99), "ms", "—", null);
            }
        }

        Console.Error.WriteLine($"{label}: done (load {EmbeddingLoadScenarios.LoadAverage()})");
    }

    private static async Task StatusWhileRecordingAsync(string dataDir, int users, TimeSpan recording, TimeSpan ask, string dispatcher, BenchmarkReport report)
    {
        var label = $"status while {users} users record, {dispatcher}";
        await using var node = await Node.StartAsync(Options(dataDir), StoreDispatcher(dispatcher));
        // Every tree started first, so starting them is not part of the measurement.
        await Task.WhenAll(Enumerable.Range(0, users).Select(u => node.Directory.Ask<InteractionAcknowledged>(Interaction($"user-{u}", -1), TimeSpan.FromSeconds(120))));
        // A user who stays idle while the others record; status has asked once, as a person's first `status` does.
        await node.Directory.Ask<InteractionAcknowledged>(Interaction("idle", -1), TimeSpan.FromSeconds(120));
        await node.Directory.Ask<NextCommands>(LikelyNext("idle"), TimeSpan.FromSeconds(120));
        await node.Directory.Ask<NextCommands>(LikelyNext("user-0"), TimeSpan.FromSeconds(120));
        await node.Directory.Ask<MemorySearched>(new SearchMemory("idle", "install package please"), TimeSpan.FromSeconds(120));
        Console.Error.WriteLine($"{label}: recording for {recording.TotalSeconds:F0} s (load {EmbeddingLoadScenarios.LoadAverage()})");
        using var spans = new RequestSpans();
        using var stop = new CancellationTokenSource(recording);
        var lastAcknowledged = 0L;
        var recorders = Enumerable.Range(0, users).Select(async u =>
        {
            var recorded = 0L;
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var ack = await node.Directory.Ask<InteractionAcknowledged>(Interaction($"user-{u}", i), TimeSpan.FromSeconds(120));
                if (u == 0)
                {
                    Interlocked.Exchange(ref lastAcknowledged, ack.SequenceNr);
                }

                recorded++;
            }

            return recorded;
        }).ToList();

        // Each probe on a loop of its own, so one slow kind of request does not thin out the samples of the others.
        var probe = new Probe(node.Directory, ask);
        async Task Loop(Func<Task> once)
        {
            while (!stop.IsCancellationRequested)
            {
                await once();
            }
        }

        var probes = new List<Task>
        {
            Loop(async () => probe.Behind("memory status", await probe.AskAsync<ProjectionStatus>("memory status", new GetMemoryStatus("user-0")), Interlocked.Read(ref lastAcknowledged))),
            Loop(async () => probe.Behind("learner status", await probe.AskAsync<ProjectionStatus>("learner status", new GetLearnerStatus("user-0")), Interlocked.Read(ref lastAcknowledged))),
            Loop(() => probe.AskAsync<MemorySearched>("search", new SearchMemory("user-0", "install package please"))),
            Loop(() => probe.StatusVerbAsync("status verb", "user-0")),
            Loop(() => probe.AskAsync<ProjectionStatus>("idle: memory status", new GetMemoryStatus("idle"))),
            Loop(() => probe.AskAsync<ProjectionStatus>("idle: learner status", new GetLearnerStatus("idle"))),
            Loop(() => probe.AskAsync<MemorySearched>("idle: search", new SearchMemory("idle", "install package please"))),
            Loop(() => probe.StatusVerbAsync("idle: status verb", "idle")),
        };

        var total = (await Task.WhenAll(recorders)).Sum();
        await Task.WhenAll(probes);
        report.Add($"[{label}] acknowledged interactions/s", total / recording.TotalSeconds, "/s", "—", null);
        probe.Report(label, report);
        spans.Report(label, report);
        Console.Error.WriteLine($"{label}: done (load {EmbeddingLoadScenarios.LoadAverage()})");
    }

    /// <summary>
    /// The store threads' dispatcher: <c>request-first</c> (the configured one, docs/adr/0056) or <c>fork-join</c> (Akka's
    /// ForkJoinDispatcher with the same threads and throughput, as before it), for side-by-side runs.
    /// </summary>
    private static Akka.Configuration.Config? StoreDispatcher(string dispatcher) => dispatcher switch
    {
        "request-first" => null,
        "fork-join" => Akka.Configuration.ConfigurationFactory.ParseString("nixh.store-dispatcher.type = ForkJoinDispatcher"),
        _ => throw new ArgumentException($"--store-dispatcher: {dispatcher} is neither request-first nor fork-join"),
    };

    /// <summary>
    /// The memory's request spans (<c>nixhumanity.memory.request</c>) of the probed searches: the time the memory actor
    /// spent on each search once its turn came (applying its buffered events, then searching), so the probe's latency
    /// splits into waiting for the turn and the work of the turn.
    /// </summary>
    private sealed class RequestSpans : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly Lock _gate = new();
        private readonly Dictionary<string, List<(double Total, double Apply, double Pending, double Queued)>> _spans = [];

        public RequestSpans()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "NixHumanity",
                Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                    options.Name == "nixhumanity.memory.request" ? ActivitySamplingResult.AllData : ActivitySamplingResult.None,
                ActivityStopped = Stopped,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public void Dispose() => _listener.Dispose();

        public void Report(string label, BenchmarkReport report)
        {
            lock (_gate)
            {
                foreach (var (user, spans) in _spans)
                {
                    var name = user == "idle" ? "idle: search" : "search";
                    report.Add($"[{label}] {name}: memory's turn spans", spans.Count, "", "—", null);
                    foreach (var (what, pick) in new (string, Func<(double Total, double Apply, double Pending, double Queued), double>)[]
                    {
                        ("work of the turn (apply + search)", s => s.Total), ("applying buffered events", s => s.Apply),
                        ("events applied first", s => s.Pending), ("messages queued behind", s => s.Queued),
                    })
                    {
                        var sorted = spans.Select(pick).Order().ToList();
                        var unit = what.StartsWith("events", StringComparison.Ordinal) || what.StartsWith("messages", StringComparison.Ordinal) ? "" : "ms";
                        report.Add($"[{label}] {name}: {what} p50", BenchmarkReport.Percentile(sorted, 0.5), unit, "—", null);
                        report.Add($"[{label}] {name}: {what} p99", BenchmarkReport.Percentile(sorted, 0.99), unit, "—", null);
                    }
                }
            }
        }

        private void Stopped(Activity activity)
        {
            if (activity.GetTagItem("nixhumanity.operation") as string != nameof(SearchMemory)
                || activity.GetTagItem("nixhumanity.user") is not string user || (user != "user-0" && user != "idle"))
            {
                return;
            }

            var span = (activity.Duration.TotalMilliseconds, Number(activity, "nixhumanity.apply_ms"), Number(activity, "nixhumanity.applied_first"), Number(activity, "nixhumanity.queued"));
            lock (_gate)
            {
                if (!_spans.TryGetValue(user, out var list))
                {
                    _spans[user] = list = [];
                }

                list.Add(span);
            }
        }

        private static double Number(Activity activity, string tag) => Convert.ToDouble(activity.GetTagItem(tag) ?? 0, CultureInfo.InvariantCulture);
    }

    /// <summary>What the <c>status</c> verb asks the learner for.</summary>
    private static ILearnerMessage LikelyNext(string user) => new GetLikelyNext(user, 3);

    private static NixHumanityOptions Options(string dataDir)
    {
        var options = new NixHumanityOptions { DataDirectory = dataDir, Embeddings = new EmbedderOptions { Kind = EmbedderKind.NGram } };
        options.Validate();
        return options;
    }

    private static RecordInteraction Interaction(string user, int i) => new(
        user, "bench", $"install package number {i % 50} please", $"nix-env -iA nixpkgs.pkg{i % 50}", "install_package", "install",
        i % 9 == 0 ? InteractionOutcome.Failure : InteractionOutcome.Success);

    private static string[] List(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return (at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static int Value(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>One node: an actor system with the user directory, terminated when disposed.</summary>
    private sealed class Node(ActorSystem system, IActorRef directory) : IAsyncDisposable
    {
        public IActorRef Directory { get; } = directory;

        public static Task<Node> StartAsync(NixHumanityOptions options, Akka.Configuration.Config? overrides = null)
        {
            NixHumanityConfig.PrepareStorage(options);
            var config = NixHumanityConfig.Compose(options);
            var system = ActorSystem.Create("nixh-bench", overrides is null ? config : overrides.WithFallback(config));
            return Task.FromResult(new Node(system, system.ActorOf(UserDirectory.Props(options.ToUserSettings(), TimeProvider.System), "users")));
        }

        public async ValueTask DisposeAsync() => await system.Terminate();
    }

    /// <summary>The probed requests' latencies, timeouts and how far behind the status answers were.</summary>
    private sealed class Probe(IActorRef directory, TimeSpan ask)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, List<double>> _latencies = [];
        private readonly Dictionary<string, int> _timeouts = [];
        private readonly Dictionary<string, List<double>> _behind = [];

        public async Task<T?> AskAsync<T>(string name, object request)
            where T : class
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var answer = await directory.Ask<T>(request, ask);
                Add(_latencies, name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return answer;
            }
            catch (AskTimeoutException)
            {
                TimedOut(name);
                return null;
            }
        }

        /// <summary>What the <c>status</c> verb asks, one after the other: the session's status, then the likely next commands.</summary>
        public async Task StatusVerbAsync(string name, string user)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await directory.Ask<SessionStatus>(new GetSessionStatus(user), ask);
                await directory.Ask<NextCommands>(LikelyNext(user), ask);
                Add(_latencies, name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (AskTimeoutException)
            {
                TimedOut(name);
            }
        }

        public void Behind(string name, ProjectionStatus? status, long acknowledged)
        {
            if (status is not null)
            {
                Add(_behind, name, Math.Max(0, acknowledged - status.LastSequenceNr));
            }
        }

        public void Report(string label, BenchmarkReport report)
        {
            foreach (var name in _latencies.Keys.Union(_timeouts.Keys))
            {
                var sorted = _latencies.GetValueOrDefault(name, []).Order().ToList();
                report.Add($"[{label}] {name}: answered", sorted.Count, "", "—", null);
                report.Add($"[{label}] {name}: timed out (of {sorted.Count + _timeouts.GetValueOrDefault(name)} asked)", _timeouts.GetValueOrDefault(name), "", "—", null);
                if (sorted.Count == 0)
                {
                    continue;
                }

                foreach (var p in new[] { 0.5, 0.9, 0.99 })
                {
                    report.Add($"[{label}] {name} p{p * 100:F0}", BenchmarkReport.Percentile(sorted, p), "ms", "—", null);
                }

                report.Add($"[{label}] {name} max", sorted[^1], "ms", "—", null);
            }

            foreach (var (name, values) in _behind)
            {
                var sorted = values.Order().ToList();
                report.Add($"[{label}] {name}: events behind the last ack, p50", BenchmarkReport.Percentile(sorted, 0.5), "events", "—", null);
                report.Add($"[{label}] {name}: events behind the last ack, max", sorted[^1], "events", "—", null);
            }
        }

        private void TimedOut(string name)
        {
            lock (_gate)
            {
                _timeouts[name] = _timeouts.GetValueOrDefault(name) + 1;
            }
        }

        private void Add(Dictionary<string, List<double>> values, string name, double value)
        {
            lock (_gate)
            {
                AddLocked(values, name, value);
            }
        }

        private static void AddLocked(Dictionary<string, List<double>> values, string name, double value)
        {
            if (!values.TryGetValue(name, out var list))
            {
                values[name] = list = [];
            }

            list.Add(value);
        }
    }
}
