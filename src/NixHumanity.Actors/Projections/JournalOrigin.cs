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

    /// <summary>Why a store is deleted rather than set aside: its person was forgotten (<see cref="ForgottenUsers"/>).</summary>
    public const string Forgotten = "forgotten";

    /// <summary>The identity recorded in <paramref name="folder"/>, or null when none was (a new folder, or one written
    /// before identities existed: such a store is adopted if the journal is not behind it).</summary>
    public static string? Read(string folder) => Lines(folder) is [var identity, ..] ? identity : null;

    /// <summary>The person's forget generation the store was built in (second line), or null when none was recorded
    /// (the person had never been forgotten when the store was built, or the store predates forget markers).</summary>
    public static string? ReadGeneration(string folder) => Lines(folder) is [_, var generation, ..] ? generation : null;

    /// <summary>Records <paramref name="identity"/> and the person's <paramref name="generation"/> (if any) in
    /// <paramref name="folder"/> (write, then rename).</summary>
    public static void Write(string folder, string identity, string? generation = null)
    {
        var path = Path.Combine(folder, FileName);
        File.WriteAllText(path + ".tmp", generation is null ? identity : identity + "\n" + generation);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The file's non-empty lines: the identity, then the forget generation if one was recorded.</summary>
    private static string[] Lines(string folder)
    {
        var path = Path.Combine(folder, FileName);
        // Anything but a small regular file (a FIFO would block the read) counts as no identity; Write renames over it.
        return InputFile.IsReadable(path, MaxBytes)
            ? File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
    }

    /// <summary>What is wrong with a store at <paramref name="checkpoint"/> built from <paramref name="followed"/> in
    /// the person's generation <paramref name="followedGeneration"/> when the journal is <paramref name="now"/>; null
    /// when the store may go on from its checkpoint.</summary>
    public static JournalChange? Check(string? followed, long checkpoint, JournalPosition now, string? followedGeneration = null)
    {
        if (followed is not null && !string.Equals(followed, now.Identity, StringComparison.Ordinal))
        {
            return new JournalChange("other-journal", $"it was built from journal {followed} and the journal is now {now.Identity}");
        }

        // Checked before "behind": a forgotten person's journal is empty or restarted at #1, and the copy is to be
        // deleted (the person asked for it), not set aside as a loss.
        if (now.Generation is not null && !string.Equals(followedGeneration, now.Generation, StringComparison.Ordinal))
        {
            return new JournalChange(Forgotten, $"the person was forgotten after it was built (generation {followedGeneration ?? "none"}, now {now.Generation})");
        }

        return checkpoint > now.HighestSequenceNr
            ? new JournalChange("journal-behind", $"it had applied events up to #{checkpoint} and the journal holds only up to #{now.HighestSequenceNr}")
            : null;
    }

    /// <summary>What is wrong when the store's last applied event, fingerprinted <paramref name="applied"/>, is not the
    /// journal's event <paramref name="checkpoint"/> (<paramref name="inJournal"/>; null when the journal cannot say,
    /// and then nothing is wrong as far as is known).</summary>
    public static JournalChange? CheckEvent(long checkpoint, string applied, string? inJournal) =>
        inJournal is not null && !string.Equals(applied, inJournal, StringComparison.Ordinal)
            ? new JournalChange("journal-diverged", $"the event #{checkpoint} it had applied is not the journal's event #{checkpoint}: the journal was replaced by an older copy and written to since")
            : null;
}

/// <summary>Why a projection's store no longer matches the journal.</summary>
/// <param name="Why">Short, for file names and reports: <c>other-journal</c>, <c>journal-behind</c> or
/// <c>journal-diverged</c>.</param>
/// <param name="Reason">A sentence for the log.</param>
internal sealed record JournalChange(string Why, string Reason);
