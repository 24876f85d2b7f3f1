using System.Diagnostics;
using System.Globalization;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Learning;

namespace NixHumanity.Soak;

/// <summary>
/// How far one user's projections are behind its journal, every interval:
/// <c>lag SECONDS user=U journal=J memory=M learner=L waited=W</c>. <c>journal</c> is the user's latest acknowledged
/// sequence number when the probe asks, <c>memory</c> and <c>learner</c> the checkpoints their status answers carry,
/// <c>waited</c> the seconds until both answered: a status request waits in each actor's mailbox behind the events
/// queued before it, so a long wait is a long queue (events acknowledged but not yet applied, held in memory).
/// </summary>
internal sealed class LagProbe(SoakOutput output, NixHumanityClient client, string user, AcknowledgedIds acks)
{
    public async Task RunAsync(TimeSpan interval, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stop).ConfigureAwait(false);
                await ProbeAsync(clock, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The run's time is up.
            }
        }
    }

    private async Task ProbeAsync(Stopwatch clock, CancellationToken stop)
    {
        var journal = acks.LastSequenceNr;
        var asked = clock.Elapsed;
        var memory = Checkpoint(client.GetMemoryStatusAsync(user, stop));
        var learner = Checkpoint(client.AskAsync<Actors.Projections.ProjectionStatus>(new GetLearnerStatus(user), stop));
        await Task.WhenAll(memory, learner).ConfigureAwait(false);
        output.Line(string.Create(CultureInfo.InvariantCulture,
            $"lag {asked.TotalSeconds:F0} user={user} journal={journal} memory={memory.Result} learner={learner.Result} waited={(clock.Elapsed - asked).TotalSeconds:F1}"));
    }

    /// <summary>The checkpoint a status answer carries, or <c>timeout</c> when none came within the host's ask timeout.</summary>
    private static async Task<string> Checkpoint(Task<Actors.Projections.ProjectionStatus> status)
    {
        try
        {
            return (await status.ConfigureAwait(false)).LastSequenceNr.ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is TimeoutException or Akka.Actor.AskTimeoutException or NixHumanityTimeoutException)
        {
            return "timeout";
        }
    }
}
