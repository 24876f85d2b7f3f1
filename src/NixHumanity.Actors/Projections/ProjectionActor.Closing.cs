using Akka.Actor;
using Akka.Event;

namespace NixHumanity.Actors.Projections;

// The projection skeleton's close: whether the store's write-ahead log is folded into its files before it is closed.
internal abstract partial class ProjectionActor<TStore>
{
    /// <summary>
    /// A tree stopped while the node runs (passivated after its idle time) folds its log into the files, so the next
    /// open replays little. A stopping node does not: a checkpoint is ~150 ms of disk waits per file, one store after
    /// the other on the two store threads, which held a 100-user stop past coordinated shutdown's 10 s; its logs are
    /// durable and the next host replays them (ADR 0033). A failed or damaged store is closed as it is.
    /// </summary>
    private void CheckpointUnlessNodeStops()
    {
        if (_store is null || _failure is not null || _damaged || IsProvisional
            || CoordinatedShutdown.Get(Context.System).ShutdownReason is not null || Context.System.WhenTerminated.IsCompleted)
        {
            return;
        }

        try
        {
            CheckpointStore();
        }
        catch (Exception ex)
        {
            // Nothing is lost: the log stays and the next open replays it.
            Log.Warning("{0} of {1}: the checkpoint before closing failed, the next open replays the log: {2}", Component, UserId, ex.Message);
        }
    }
}
