using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;
using NixHumanity.Soak;

// One long-running host recording for many users at once: each user records one interaction after another, and every
// acknowledgement is printed as `ack USER ID SEQ` the moment it arrives (stdout flushed per line), so a watcher that
// kills the process with SIGKILL knows exactly what was acknowledged before the kill. At the end of --minutes the run
// checks that every acknowledged interaction is in the journal and exits 1 when one is missing.
if (args is ["row-closing", ..])
{
    return RowClosingHeap.Run(args);
}

var options = SoakOptions.Parse(args);
var output = new SoakOutput(Console.Out);
// Only a measurement (e.g. a lower wal_autocheckpoint): set before any store opens, so every shared instance has it.
PerUserDuckDb.MeasurementSettings = options.DuckDbSettings;
var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
builder.Services.AddNixHumanity(nixh =>
{
    nixh.DataDirectory = options.DataDirectory;
    // Cold starts of many users at once on a busy machine: rather wait than fail a record.
    nixh.AskTimeout = TimeSpan.FromSeconds(60);
    nixh.Embeddings = nixh.Embeddings with { Kind = EmbedderKind.NGram };
    if (options.StoreMemoryMegabytes is { } limit)
    {
        nixh.Projections.StoreMemoryLimitMegabytes = limit;
    }
});
using var host = builder.Build();
await host.StartAsync();
var client = host.Services.GetRequiredService<NixHumanityClient>();

using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(options.Minutes));
var users = Enumerable.Range(0, options.Users).Select(i => $"soak-{i:D3}").ToList();
var acknowledged = users.ToDictionary(u => u, _ => new AcknowledgedIds(), StringComparer.Ordinal);
var sampler = new ResourceSampler(
    output, () => acknowledged.Values.Sum(ids => ids.Count), () => acknowledged.Values.Sum(ids => ids.Bytes), options.DataDirectory);
var sampling = sampler.RunAsync(TimeSpan.FromSeconds(options.SampleSeconds), stop.Token);
var probing = new LagProbe(output, client, users[0], acknowledged[users[0]]).RunAsync(TimeSpan.FromSeconds(options.SampleSeconds), stop.Token);
// A failure ends the run with exit code 2 instead of an unhandled exception, so the process exits normally and the
// shared DuckDB instances' spill folders are deleted with it (an unhandled exception skips the exit handlers).
try
{
    await Task.WhenAll(users.Select(user => RecordUntilStoppedAsync(user, acknowledged[user], stop.Token)));
    await sampling;
    await probing;
    await EndLagAsync("end-lag");
    var missing = 0;
    foreach (var user in users)
    {
        var history = await client.ReadSessionHistoryAsync(user);
        missing += acknowledged[user].MissingFrom(history.Select(e => e.Event).OfType<InteractionRecorded>().Select(e => e.InteractionId));
    }

    output.Line($"verified acks={acknowledged.Values.Sum(ids => ids.Count)} missing={missing}");
    await EndLagAsync("after-verify-lag");
    await host.StopAsync();
    sampler.SampleAfterStop();
    return missing == 0 ? 0 : 1;
}
catch (Exception e)
{
    output.Line($"failed {e.GetType().Name}: {e.Message}");
    Console.Error.WriteLine(e);
    return 2;
}

// Every user's projections against its last acknowledged sequence number once recording has stopped: how much was
// acknowledged but not yet applied (summed over users; a status that did not answer within the host's ask timeout
// counts as a timeout, not as lag).
async Task EndLagAsync(string label)
{
    var started = System.Diagnostics.Stopwatch.StartNew();
    var results = await Task.WhenAll(users.Select(async user =>
    {
        var journal = acknowledged[user].LastSequenceNr;
        var memory = await CheckpointOrNullAsync(client.GetMemoryStatusAsync(user));
        var learner = await CheckpointOrNullAsync(client.AskAsync<NixHumanity.Actors.Projections.ProjectionStatus>(new NixHumanity.Actors.Learning.GetLearnerStatus(user)));
        return (MemoryLag: memory is { } m ? journal - m : (long?)null, LearnerLag: learner is { } l ? journal - l : (long?)null);
    }));
    output.Line(string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{label} seconds={started.Elapsed.TotalSeconds:F1} memory_behind={results.Sum(r => r.MemoryLag ?? 0)} memory_max={results.Max(r => r.MemoryLag ?? 0)} memory_timeouts={results.Count(r => r.MemoryLag is null)} learner_behind={results.Sum(r => r.LearnerLag ?? 0)} learner_max={results.Max(r => r.LearnerLag ?? 0)} learner_timeouts={results.Count(r => r.LearnerLag is null)}"));
}

static async Task<long?> CheckpointOrNullAsync(Task<NixHumanity.Actors.Projections.ProjectionStatus> status)
{
    try
    {
        return (await status).LastSequenceNr;
    }
    catch (Exception e) when (e is TimeoutException or Akka.Actor.AskTimeoutException or NixHumanityTimeoutException or ComponentUnavailableException)
    {
        // No answer in time, or the component answered that it is unavailable: counted, not lag.
        return null;
    }
}

async Task RecordUntilStoppedAsync(string user, AcknowledgedIds acks, CancellationToken token)
{
    var packages = new[] { "vim", "git", "htop", "curl", "jq", "ripgrep", "tmux", "firefox" };
    // A paced user starts at a random point of its interval, so the users' records spread over it instead of arriving together.
    using var pace = options.IntervalMilliseconds > 0 ? new PeriodicTimer(TimeSpan.FromMilliseconds(options.IntervalMilliseconds)) : null;
    if (pace is not null)
    {
        await Task.Delay(Random.Shared.Next(options.IntervalMilliseconds), CancellationToken.None);
    }

    for (var n = 0; !token.IsCancellationRequested; n++)
    {
        if (pace is not null && !await WaitForTickAsync(pace, token))
        {
            return;
        }

        var package = packages[n % packages.Length];
        var ack = await client.RecordInteractionAsync(new RecordInteraction(
            user, "soak", $"install {package}", $"nix-env -iA nixpkgs.{package}", Outcome: InteractionOutcome.Success));
        acks.Add(ack.InteractionId, ack.SequenceNr);
        output.Line($"ack {user} {ack.InteractionId} {ack.SequenceNr}");
    }
}

static async Task<bool> WaitForTickAsync(PeriodicTimer pace, CancellationToken token)
{
    try
    {
        return await pace.WaitForNextTickAsync(token);
    }
    catch (OperationCanceledException)
    {
        return false;
    }
}
