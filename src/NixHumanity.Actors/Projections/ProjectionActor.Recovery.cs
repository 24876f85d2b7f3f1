using Akka.Actor;
using Akka.Event;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Projections;

// The projection skeleton's recovery from what goes wrong: a store unreadable on open, a store that does not match
// the journal (another journal, or a journal behind it), and a failure while running (answered, then restarted).
internal abstract partial class ProjectionActor<TStore>
{
    /// <summary>
    /// Any failure while handling a message (a store or journal failure, a bug) ends in <see cref="Fail"/> instead of
    /// reaching the supervisor directly, so the messages queued behind it are answered before the actor stops.
    /// </summary>
    /// <inheritdoc />
    protected override bool AroundReceive(Akka.Actor.Receive receive, object message)
    {
        try
        {
            OpenProvisionalWhenNeeded(message);
            var handled = base.AroundReceive(receive, message);
            PublishProgress();
            StopIfAnswered();
            return handled;
        }
        catch (Exception ex) when (_failure is null)
        {
            Fail(ex);
            if (message is IUserMessage)
            {
                // The request that failed is answered too: it is neither queued nor stashed any more, so nothing else
                // would answer it and its asker would wait out its whole timeout.
                Sender.Tell(Unavailable());
            }

            return true;
        }
    }

    private string StorePath => Path.Combine(StoreFolder, StoreFileName);

    /// <summary>
    /// Opens the store; a file that is damaged or foreign is renamed (with its write-ahead log) and a new, empty one is
    /// opened, which the catch-up then fills from the journal.
    /// </summary>
    private TStore OpenOrSetAside()
    {
        var path = StorePath;
        foreach (var file in new[] { path, path + ".wal" })
        {
            if (InputFile.NonRegularKind(file) is { } found)
            {
                // Opening a FIFO blocks the actor (and its store thread) for ever, a device never ends: never opened.
                // The store goes aside with its log; a log alone (no store) goes aside by itself.
                SetAsideAndReport(File.Exists(path) ? path : file, $"{Path.GetFileName(file)}: {found}, not a store file", "unreadable");
                return OpenStore();
            }
        }

        try
        {
            return OpenStore();
        }
        catch (Exception ex) when (StoreFaults.IsUnreadable(ex, path))
        {
            SetAsideAndReport(path, $"{StoreFileName}: unreadable ({FirstLine(ex.Message)})", "unreadable");
            return OpenStore();
        }
    }

    /// <summary>
    /// Moves the damaged store at <paramref name="path"/> aside, and reports it (a warning and a
    /// <see cref="StoreRepairReport"/>, which <c>stats</c> shows as <c>storeRepairs</c>): it is rebuilt from the journal.
    /// </summary>
    private void SetAsideAndReport(string path, string problem, string why)
    {
        var at = Clock.GetUtcNow();
        var aside = SetAside.Move(path, why, at);
        const string Rebuilt = "rebuilt from the journal";
        try
        {
            StoreRepairReports.Write(StoreFolder, new StoreRepairReport(UserId, Component, StoreFileName, [problem], at, aside, Rebuilt));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The store is set aside and rebuilt either way; a folder that takes no report must not stop the repair.
            Log.Error(ex, "{0} of {1}: could not write the store-repair report", Component, UserId);
        }

        Log.Warning("{0} of {1}: {2}; moved it to {3}, {4}", Component, UserId, problem, aside, Rebuilt);
    }

    /// <summary>
    /// Checks that the store was built from the journal as it is now (<see cref="JournalOrigin"/>); when the journal is
    /// another one or behind the store, the store and what is derived with it are set aside, the loss is reported
    /// (error log and a <see cref="JournalLossReport"/> that <c>stats</c> shows) and the store is rebuilt from the journal.
    /// A <paramref name="fresh"/> store (its folder was missing or empty before it was opened) is built in the person's
    /// current forget generation: it holds nothing of an earlier one, so there is nothing to delete or warn about.
    /// </summary>
    private void FollowJournal(bool fresh)
    {
        if (_journal.Describe(Context.System, UserId, Clock) is not { } journal)
        {
            return;
        }

        var followed = JournalOrigin.Read(StoreFolder);
        var followedGeneration = fresh ? journal.Generation : JournalOrigin.ReadGeneration(StoreFolder);
        var checkpoint = Checkpoint;
        var change = JournalOrigin.Check(followed, checkpoint, journal, followedGeneration) ?? DivergedAtCheckpoint();
        if (change is { Why: JournalOrigin.Forgotten } forgotten)
        {
            // The person was forgotten after this copy was built (on another node, or while this data directory was
            // away): everything in the folder holds their old history, so it is deleted, not set aside.
            _store!.Dispose();
            _store = null;
            var deleted = ProjectionCopies.EmptyFolder(StoreFolder);
            Log.Warning("{0} of {1}: {2}; deleted the old copy ({3} files) and rebuilding from the journal", Component, UserId, forgotten.Reason, deleted);
            _store = OpenStore();
        }
        else if (change is not null)
        {
            _store!.Dispose();
            _store = null;
            var at = Clock.GetUtcNow();
            var aside = SetAside.Move(StorePath, change.Why, at);
            foreach (var derived in DerivedFromJournal)
            {
                SetAside.Move(derived, change.Why, at);
            }

            if (checkpoint > 0)
            {
                JournalLossReports.Write(StoreFolder, new JournalLossReport(
                    UserId, Component, change.Why, checkpoint, journal.HighestSequenceNr, followed, journal.Identity, at, aside));
                Log.Error("{0} of {1}: THE JOURNAL LOST EVENTS this projection had applied: {2}. Moved the store to {3} and rebuilding it from the journal as it is",
                    Component, UserId, change.Reason, aside);
            }
            else
            {
                Log.Warning("{0} of {1}: {2}; rebuilding from the journal", Component, UserId, change.Reason);
            }

            _store = OpenStore();
        }

        if (!string.Equals(followed, journal.Identity, StringComparison.Ordinal)
            || !string.Equals(followedGeneration, journal.Generation, StringComparison.Ordinal))
        {
            JournalOrigin.Write(StoreFolder, journal.Identity, journal.Generation);
        }
    }

    /// <summary>
    /// Compares the event the store applied last with the journal's event at that number: a journal restored from an
    /// older copy and written to since can reach the store's checkpoint again with other events, which a comparison of
    /// numbers alone never notices (the store would keep the lost events and skip the new ones).
    /// </summary>
    private JournalChange? DivergedAtCheckpoint()
    {
        var (sequenceNr, fingerprint) = StoredCheckpoint;
        return sequenceNr > 0 && fingerprint is not null
            ? JournalOrigin.CheckEvent(sequenceNr, fingerprint, _journal.FingerprintAt(Context.System, UserId, sequenceNr))
            : null;
    }

    /// <summary>
    /// The actor cannot go on: every request queued or stashed so far, and every one arriving until it has stopped, is
    /// answered at once with <see cref="TemporarilyUnavailable"/> and the reason; then it stops, and the back-off
    /// supervisor starts a successor, which reads from the journal whatever this one had not applied. A store that is
    /// unreadable is set aside when it is closed (<see cref="PostStop"/>), so the successor rebuilds it.
    /// </summary>
    private void Fail(Exception ex)
    {
        var fault = StoreFaults.Classify(ex, StorePath);
        _damaged = fault is { Kind: StoreFaultKind.Unreadable };
        _diskFullPath = fault is { Kind: StoreFaultKind.DiskFull } ? fault.Path : null;
        _failure = fault is null ? $"failed ({FirstLine(ex.Message)})" : FirstLine(fault.Message);
        Log.Error(ex, "{0} of {1} failed: {2}; answering what is queued as unavailable and restarting", Component, UserId, _failure);
        _pending.Clear();
        WithdrawProgress();
        Become(Broken);
        Stash.UnstashAll();
        AnswerWaitingRequests(Unavailable());
        Self.Tell(PoisonPill.Instance);
    }

    /// <summary>
    /// Answers the requests the subclass keeps waiting outside the stash (the memory's, for its model or its embedder)
    /// with <paramref name="answer"/>: called when the actor fails and when it stops, so an asker waits for an answer,
    /// never for a clock. Nothing by default.
    /// </summary>
    /// <param name="answer">Why they are not answered otherwise.</param>
    protected virtual void AnswerWaitingRequests(TemporarilyUnavailable answer)
    {
    }

    private void Broken()
    {
        // An event is not answered: the successor reads it from the journal.
        Receive<SessionEventPublished>(_ => { });
        Receive<IUserMessage>(_ => Sender.Tell(Unavailable()));
        ReceiveAny(_ => { });
    }

    /// <summary>The answer to every request after a failure: why, and the file a full disk could not write.</summary>
    private TemporarilyUnavailable Unavailable() => new(UserId, Component, _failure ?? "restarting", _diskFullPath);

    private static string FirstLine(string message)
    {
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }
}
