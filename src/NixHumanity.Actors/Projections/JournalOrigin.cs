using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Projections;

/// <summary>
/// The journal a projection follows: its identity, kept in <see cref="FileName"/> beside the store, next to the
/// store's own checkpoint (the highest sequence number applied). Checked on every start against the journal as it is
/// (<see cref="IJournalSource.Describe"/>): another identity, or a journal whose highest sequence number is below the
/// checkpoint, means the store holds what the journal no longer does, so the store is rebuilt.
/// </summary>
internal static class JournalOrigin
{
    /// <summary>The file, in the component's folder, holding the identity of the journal the store was built from.</summary>
    public const string FileName = "journal-origin";

    /// <summary>An identity is a few dozen characters; a larger file is not one.</summary>
    private const long MaxBytes = 4096;

    /// <summary>The identity recorded in <paramref name="folder"/>, or null when none was (a new folder, or one written
    /// before identities existed: such a store is adopted if the journal is not behind it).</summary>
    public static string? Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        // Anything but a small regular file (a FIFO would block the read) counts as no identity; Write renames over it.
        return InputFile.IsReadable(path, MaxBytes) && File.ReadAllText(path).Trim() is { Length: > 0 } identity ? identity : null;
    }

    /// <summary>Records <paramref name="identity"/> in <paramref name="folder"/> (write, then rename).</summary>
    public static void Write(string folder, string identity)
    {
        var path = Path.Combine(folder, FileName);
        File.WriteAllText(path + ".tmp", identity);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>What is wrong with a store at <paramref name="checkpoint"/> built from <paramref name="followed"/> when
    /// the journal is <paramref name="now"/>; null when the store may go on from its checkpoint.</summary>
    public static JournalChange? Check(string? followed, long checkpoint, JournalPosition now)
    {
        if (followed is not null && !string.Equals(followed, now.Identity, StringComparison.Ordinal))
        {
            return new JournalChange("other-journal", $"it was built from journal {followed} and the journal is now {now.Identity}");
        }

        return checkpoint > now.HighestSequenceNr
            ? new JournalChange("journal-behind", $"it had applied events up to #{checkpoint} and the journal holds only up to #{now.HighestSequenceNr}")
            : null;
    }
}

/// <summary>Why a projection's store no longer matches the journal.</summary>
/// <param name="Why">Short, for file names and reports: <c>other-journal</c> or <c>journal-behind</c>.</param>
/// <param name="Reason">A sentence for the log.</param>
internal sealed record JournalChange(string Why, string Reason);
