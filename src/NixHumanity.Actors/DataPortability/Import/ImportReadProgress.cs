namespace NixHumanity.Actors.DataPortability.Import;

/// <summary>Counts rows read against the file's total, checks for cancellation and reports <c>read</c> progress
/// every <see cref="Every"/> rows and at the last one.</summary>
internal sealed class ImportReadProgress(long total, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
{
    /// <summary>Rows between two reports: often enough for a bar, rare enough to cost nothing.</summary>
    public const int Every = 1000;

    private long _done;

    /// <summary>One more row is being read.</summary>
    /// <exception cref="OperationCanceledException">The import was cancelled.</exception>
    public void Step()
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (++_done % Every == 0 || _done == total)
        {
            progress?.Report(new ImportProgress("read", _done, total));
        }
    }
}
