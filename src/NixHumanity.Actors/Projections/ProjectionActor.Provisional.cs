using Akka.Event;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Projections;

// The projection skeleton's lazy opening: a person nothing is held about gets no folder and no store file until there
// is something to hold. Until then the store is a provisional one in a scratch folder outside the data directory, so
// every request is answered exactly as for a person without history, by the same code, and reading leaves no trace.
internal abstract partial class ProjectionActor<TStore>
{
    private string? _scratchFolder;

    /// <summary>Whether the store is still the provisional one (nothing held yet; the data directory has no folder for it).</summary>
    protected bool IsProvisional => _scratchFolder is not null;

    /// <summary>
    /// Moves from the provisional store to the durable one in <see cref="Folder"/> (creating the folder) before
    /// anything is written: the first event to apply does it, and so must every handler that writes something that is
    /// not an event (e.g. biometric samples). Does nothing when the store is durable already.
    /// </summary>
    /// <returns>Whether the store was switched (its <see cref="Checkpoint"/> is now the durable store's).</returns>
    protected bool EnsureDurableStore()
    {
        if (_scratchFolder is null)
        {
            return false;
        }

        OnStoreClosing();
        _store?.Dispose();
        _store = null;
        DeleteScratch();
        OpenStoreIn(Folder);
        Log.Debug("{0} of {1}: first data to hold; opened {2}", Component, UserId, Folder);
        return true;
    }

    /// <summary>
    /// Called before the store is closed to be replaced by the durable one: release what <see cref="OnStoreOpened"/>
    /// opened beside it (it is called again for the durable store).
    /// </summary>
    protected virtual void OnStoreClosing()
    {
    }

    /// <summary>
    /// The last journal sequence number applied: <see cref="Checkpoint"/>, or 0 while the provisional store is not
    /// opened (nothing was applied: the first event to apply opens the durable store).
    /// </summary>
    private long AppliedThrough => _store is null && IsProvisional ? 0 : Checkpoint;

    /// <summary>
    /// A component whose folder does not exist yet and whose person has no events in the journal starts on a provisional
    /// store (see the file's comment). A person with events gets the real folder at once, as before: the catch-up fills it.
    /// </summary>
    /// <returns>Whether the store is provisional; it is then opened only when a message needs it (<see cref="OpenProvisionalWhenNeeded"/>).</returns>
    private bool BeginProvisionalWhenNew()
    {
        if (!Directory.Exists(Folder) && _journal.Describe(Context.System, UserId, Clock) is { HighestSequenceNr: 0 })
        {
            _scratchFolder = Path.Combine(Path.GetTempPath(), $"nixh-{Component}-{UserId}-{Guid.NewGuid():N}");
        }

        return IsProvisional;
    }

    /// <summary>
    /// Opens the provisional store before a message that may read it is handled. The journal's messages (live events,
    /// the catch-up), the idle checkpoint and a graceful stop need no store: an event to apply opens the durable store
    /// instead (<see cref="EnsureDurableStore"/>). So a new person whose first message is a record never opens a
    /// provisional store (a DuckDB instance of its own for the memory, an attached file for the learner, each with its
    /// schema, then closed again): most of a new person's start (docs/benchmarks.md, "Capacity per node").
    /// </summary>
    private void OpenProvisionalWhenNeeded(object message)
    {
        if (_store is null && _scratchFolder is not null && _failure is null
            && message is not (SessionEventPublished or ApplyPendingEvents or IdleCheckpointDue or StopGracefully
                or JournalReplayStarted or JournalReplayBatch or JournalReplayCompleted or JournalReplayFailed))
        {
            OpenStoreIn(_scratchFolder);
        }
    }

    private void OpenStoreIn(string folder)
    {
        // Until the folder carries the journal's identity and the person's generation, a deletion of stale copies on this
        // node (a forget elsewhere, the start-up sweep) would take it for one: it waits (ProjectionCopies.WhileOpening).
        ProjectionCopies.WhileOpening(Path.GetDirectoryName(Path.GetFullPath(folder))!, () =>
        {
            // A folder that is missing or empty holds nobody's history, whatever the journal's forget generation says.
            var fresh = !Directory.Exists(folder) || !Directory.EnumerateFileSystemEntries(folder).Any();
            Directory.CreateDirectory(folder);
            _store = OpenOrSetAside();
            if (!IsProvisional)
            {
                // A provisional store is new and empty in a scratch folder of its own: there is nothing to check against
                // the journal, and the durable store is checked when it is opened.
                FollowJournal(fresh);
            }
        });

        OnStoreOpened();
    }

    /// <summary>Deletes the provisional store's scratch folder once the store is closed.</summary>
    /// <returns>Whether the store was provisional (nothing of it is kept, damaged or not).</returns>
    private bool DiscardProvisional()
    {
        if (_scratchFolder is null)
        {
            return false;
        }

        OnStoreClosing();
        DeleteScratch();
        return true;
    }

    private void DeleteScratch()
    {
        var scratch = _scratchFolder;
        _scratchFolder = null;
        try
        {
            if (scratch is not null && Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
        catch (IOException ex)
        {
            // Only a scratch copy of nothing: the temporary folder's cleaner takes it later.
            Log.Warning("{0} of {1}: could not delete the scratch folder {2}: {3}", Component, UserId, scratch, ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            Log.Warning("{0} of {1}: could not delete the scratch folder {2}: {3}", Component, UserId, scratch, ex.Message);
        }
    }
}
