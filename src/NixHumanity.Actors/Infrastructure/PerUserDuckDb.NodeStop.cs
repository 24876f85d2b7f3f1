namespace NixHumanity.Actors.Infrastructure;

// How a stopping node closes its stores: their files are left to the shared instances' own closes (docs/adr/0047),
// or, in a process that ends with its node, to the process's exit (docs/adr/0058).
internal static partial class PerUserDuckDb
{
    /// <summary>Set on a thread inside <see cref="LeaveFilesAttached"/>: its closes do not detach.</summary>
    [ThreadStatic]
    private static bool _leavingAttached;

    /// <summary>Set on a thread inside <see cref="LeaveFilesAttached"/> with <c>leaveInstanceOpen</c>: an instance whose last store it closes stays open.</summary>
    [ThreadStatic]
    private static bool _leavingInstanceOpen;

    private static long _instancesLeftOpen;

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
    /// <param name="leaveInstanceOpen">
    /// The process ends right after the node's stop: a data directory's instance whose last store closes here is not
    /// closed but left open, files attached, for the process's exit to give its memory and file locks back. Its close
    /// writes nothing (no checkpoint, ADR 0033), it only frees memory: ~0.5-0.7 ms of CPU per attached file, seconds of
    /// a loaded stop at 1,000 users (docs/adr/0058). A store of the process that opens one of its files later reuses it
    /// (the file is detached and attached afresh), as when another actor system keeps an instance open.
    /// </param>
    public static LeaveAttachedScope LeaveFilesAttached(bool leaveInstanceOpen = false)
    {
        var outer = (_leavingAttached, _leavingInstanceOpen);
        _leavingAttached = true;
        _leavingInstanceOpen = leaveInstanceOpen;
        return new LeaveAttachedScope(outer.Item1, outer.Item2);
    }

    /// <summary>The shared instances whose last store closed inside a scope that left them open (<see cref="LeaveFilesAttached"/>), in this process.</summary>
    internal static long InstancesLeftOpen => Interlocked.Read(ref _instancesLeftOpen);

    /// <summary>
    /// The scope of <see cref="LeaveFilesAttached"/>; disposing it restores the thread's previous behaviour. The
    /// default value is no scope (disposing it changes nothing).
    /// </summary>
    public readonly struct LeaveAttachedScope : IDisposable
    {
        private readonly bool _entered;
        private readonly bool _outer;
        private readonly bool _outerInstanceOpen;

        internal LeaveAttachedScope(bool outer, bool outerInstanceOpen)
        {
            _entered = true;
            _outer = outer;
            _outerInstanceOpen = outerInstanceOpen;
        }

        /// <inheritdoc />
        public void Dispose()
        {
            if (_entered)
            {
                _leavingAttached = _outer;
                _leavingInstanceOpen = _outerInstanceOpen;
            }
        }
    }
}
