using Akka.Actor;
using Akka.Event;

namespace NixHumanity.Actors.Projections;

// The projection skeleton's close: whether the store's write-ahead log is folded into its files before it is closed.
internal abstract partial class ProjectionActor<TStore>
{
    /// <summary>The actor was stopped through its mailbox (<c>StopGracefully</c>): its user's tree was passivated or
    /// handed off to another node, not torn down with the actor system.</summary>
    private bool _stoppedGracefully;

    /// <summary>A graceful stop waits for the requests this actor owes an answer to (<see cref="OwesAnswers"/>).</summary>
    private bool _stopWhenAnswered;

    /// <summary>
    /// Requests the subclass has taken in and answers later itself, outside the mailbox's order (the memory's, waiting
    /// for the batch with the embedder or sent to itself again once it is applied). None by default.
    /// </summary>
    protected virtual bool HoldsRequests => false;

    /// <summary>
    /// Whether a request that reached the actor before its graceful stop is still to be answered: a progress request
    /// sent to the back of the mailbox (behind the stop, when the stop was queued already), or one the subclass holds.
    /// </summary>
    private bool OwesAnswers => _progressQueued > 0 || HoldsRequests;

    /// <summary>
    /// <c>StopGracefully</c> (the tree passivated or handed off): stops now, or once every request that reached the actor
    /// before it is answered. A passivating tree's directory holds new requests from its decision on, but a request
    /// routed just before it reaches the children ahead of their stop; a status among them went to the back of the
    /// mailbox behind the stop and was answered "stopped before it handled the request" instead of by this actor or
    /// the tree's next incarnation.
    /// </summary>
    private void StopGracefullyWhenAnswered()
    {
        _stoppedGracefully = true;
        _stopWhenAnswered = true;
        StopIfAnswered();
    }

    /// <summary>After each message: a graceful stop that waited stops once nothing is owed any more.</summary>
    private void StopIfAnswered()
    {
        if (_stopWhenAnswered && !OwesAnswers)
        {
            Context.Stop(Self);
        }
    }

    /// <summary>
    /// Folds the store's log into its files before it is closed, so the next open (here after a passivation, or on
    /// this node when the user comes back after a hand-off) replays little:
    /// <list type="bullet">
    /// <item>while the node goes on (passivation, a rebalance): always;</item>
    /// <item>while the node stops and its users are handed off (a cluster node leaving): when the log is not small,
    /// within <see cref="ShutdownCheckpointBudget"/> (docs/adr/0039). A copy left with its whole history in the log
    /// made a user's return slower than no copy at all (docs/benchmarks.md, "Cluster of node processes");</item>
    /// <item>a node stopping without a hand-off (the single-process stop: the actor system tears the trees down):
    /// never. A checkpoint is ~150 ms of disk waits per file, one store after the other on the two store threads,
    /// which held a 100-user stop past coordinated shutdown's 10 s; the logs are durable and the next host replays
    /// them (ADR 0033).</item>
    /// </list>
    /// A failed, damaged or provisional store is closed as it is.
    /// </summary>
    private void CheckpointBeforeClosing()
    {
        if (_store is null || _failure is not null || _damaged || IsProvisional)
        {
            return;
        }

        if (NodeStops && !(_stoppedGracefully && ShutdownCheckpointBudget.Get(Context.System).Allows(LogBytes())))
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

    /// <summary>The node is stopping: coordinated shutdown runs, or the actor system has terminated.</summary>
    private bool NodeStops =>
        CoordinatedShutdown.Get(Context.System).ShutdownReason is not null || Context.System.WhenTerminated.IsCompleted;

    /// <summary>
    /// Whether the store's files are left attached to their shared DuckDB instance when it closes
    /// (<c>PerUserDuckDb.LeaveFilesAttached</c>): when the node stops, for a healthy durable store. The node's
    /// instances close with their last store and close every file still attached at once, ~0.3 ms a file instead of
    /// ~1.4 ms for detaching it, which held a 1,000-user stop past coordinated shutdown's 10 s (docs/adr/0047). A
    /// damaged or failed store is detached as before (it is set aside or reopened right after), and so is a
    /// provisional one (its scratch folder is deleted).
    /// </summary>
    private bool LeavesFileAttached() => _store is not null && _failure is null && !_damaged && !IsProvisional && NodeStops;

    /// <summary>(Re)starts the timer of the checkpoint after <see cref="ProjectionOptions.CheckpointWhenIdleFor"/> without events.</summary>
    private void CheckpointWhenQuiet() =>
        Timers.StartSingleTimer(nameof(IdleCheckpointDue), IdleCheckpointDue.Instance, Options.CheckpointWhenIdleFor);

    /// <summary>
    /// The projection has applied nothing for <see cref="ProjectionOptions.CheckpointWhenIdleFor"/>: its log is folded
    /// into the store's files, so a copy left behind (a hand-off, a node killed) or the next open after any stop
    /// replays only what came after, and the log's file handle is closed (docs/adr/0039). With the store files' small
    /// blocks (<c>PerUserDuckDb.NewFileBlockSize</c>) this also lowers what the store keeps in memory. A failure is
    /// logged and the log stays (nothing is lost: it is durable and replayed on the next open).
    /// </summary>
    private void CheckpointIdleStore()
    {
        if (_store is null || _failure is not null || _damaged || IsProvisional)
        {
            return;
        }

        ApplyPending();
        try
        {
            CheckpointStore();
        }
        catch (Exception ex)
        {
            Log.Warning("{0} of {1}: the checkpoint after a quiet period failed, the log stays: {2}", Component, UserId, ex.Message);
        }
    }

    /// <summary>The bytes of the write-ahead logs beside the store's files (the learner has two files).</summary>
    private long LogBytes()
    {
        try
        {
            return Directory.EnumerateFiles(StoreFolder, "*.wal").Sum(file => new FileInfo(file).Length);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Sent by the timer after a quiet period: checkpoint the store.</summary>
    private sealed record IdleCheckpointDue
    {
        public static readonly IdleCheckpointDue Instance = new();
    }
}
