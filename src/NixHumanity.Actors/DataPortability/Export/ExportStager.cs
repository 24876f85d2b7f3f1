using Akka.Actor;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Memory;

namespace NixHumanity.Actors.DataPortability.Export;

/// <summary>
/// The hosting node's half of an export asked from another node (docs/adr/0044): the user's memory and learner write
/// their parts into a staging folder of this node, exactly as they write them into an export folder on one machine.
/// </summary>
internal static class ExportStager
{
    /// <summary>
    /// Stages the memory and learner parts of <paramref name="request"/>'s export through <paramref name="tree"/>; answers
    /// <see cref="ExportStaged"/> (also published on <paramref name="system"/>'s event stream), or the component's own
    /// refusal or unavailability, or a failure; on anything but success the staging folder is deleted.
    /// </summary>
    /// <param name="system">This node's actor system.</param>
    /// <param name="staging">This node's staging folders.</param>
    /// <param name="tree">The user's tree on this node.</param>
    /// <param name="request">What to stage.</param>
    /// <param name="node">This node's address (where the caller reads the chunks).</param>
    /// <param name="timeout">How long each component may take.</param>
    public static async Task<object> RunAsync(ActorSystem system, ExportStaging staging, IActorRef tree, StageExport request, string node, TimeSpan timeout)
    {
        string folder;
        try
        {
            folder = staging.Create(request.ExportId);
        }
        catch (InvalidInputException ex)
        {
            return ex.Rejection;
        }

        try
        {
            var replies = await Task.WhenAll(
                tree.Ask<object>(new ExportMemory(request.UserId, folder), timeout),
                tree.Ask<object>(new ExportLearner(request.UserId, folder), timeout)).ConfigureAwait(false);
            if (replies.FirstOrDefault(reply => reply is not StoreExported) is { } refused)
            {
                staging.Release(request.ExportId);
                return refused;
            }

            var staged = new ExportStaged(request.UserId, request.ExportId, node, folder, [.. replies.Cast<StoreExported>()], staging.Files(request.ExportId));
            system.EventStream.Publish(staged);
            return staged;
        }
        catch (Exception ex)
        {
            staging.Release(request.ExportId);
            return new Status.Failure(ex);
        }
    }
}
