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
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(interval, stop).ConfigureAwait(false);
                var journal = acks.LastSequenceNr;
                var asked = clock.Elapsed;
                var memory = client.GetMemoryStatusAsync(user, stop);
                var learner = client.AskAsync<Actors.Projections.ProjectionStatus>(new GetLearnerStatus(user), stop);
                await Task.WhenAll(memory, learner).ConfigureAwait(false);
                output.Line(string.Create(CultureInfo.InvariantCulture,
                    $"lag {asked.TotalSeconds:F0} user={user} journal={journal} memory={memory.Result.LastSequenceNr} learner={learner.Result.LastSequenceNr} waited={(clock.Elapsed - asked).TotalSeconds:F1}"));
            }
        }
        catch (OperationCanceledException)
        {
            // The run's time is up.
        }
        catch (Exception e) when (e is TimeoutException or Akka.Actor.AskTimeoutException)
        {
            output.Line($"lag probe stopped: {e.Message}");
        }
    }
}
