namespace NixHumanity.Actors.Infrastructure;

// How a stopping node closes its stores: their files are left to the shared instances' own closes (docs/adr/0047).
internal static partial class PerUserDuckDb
{
    /// <summary>Set on a thread inside <see cref="LeaveFilesAttached"/>: its closes do not detach.</summary>
    [ThreadStatic]
    private static bool _leavingAttached;

    /// <summary>
    /// Until the returned scope is disposed, <see cref="Close"/> on this thread leaves a store's file attached to its
    /// data directory's shared instance (the memories' and, since amendment 2 of docs/adr/0047, the learners'; a file of
    /// the process's learners' instance, which may outlive the node, is still detached) instead of detaching it: for a
    /// node that stops, whose instances close with their last store and close every file still attached at once. A <c>USE memory; DETACH</c> cost ~1.4 ms per file (half of it the
    /// <c>USE</c>), the instance's close ~0.3 ms per file (2,000 files on this machine), and a stopping node closed
    /// three files per user on its two store threads: at 1,000 users that held the stop past coordinated shutdown's
    /// 10 s (docs/adr/0033, addendum). Nothing is lost either way: closes do not checkpoint, every commit is in the
    /// file's log, and the next open replays it. Should the instance live on (another actor system of the process
    /// still uses it), the file is detached when a store opens it again.
    /// </summary>
    public static LeaveAttachedScope LeaveFilesAttached()
    {
        var outer = _leavingAttached;
        _leavingAttached = true;
        return new LeaveAttachedScope(outer);
    }

    /// <summary>
    /// The scope of <see cref="LeaveFilesAttached"/>; disposing it restores the thread's previous behaviour. The
    /// default value is no scope (disposing it changes nothing).
    /// </summary>
    public readonly struct LeaveAttachedScope : IDisposable
    {
        private readonly bool _entered;
        private readonly bool _outer;

        internal LeaveAttachedScope(bool outer)
        {
            _entered = true;
            _outer = outer;
        }

        /// <inheritdoc />
        public void Dispose()
        {
            if (_entered)
            {
                _leavingAttached = _outer;
            }
        }
    }
}
