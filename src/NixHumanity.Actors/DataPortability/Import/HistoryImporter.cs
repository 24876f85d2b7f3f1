using System.Globalization;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.DataPortability.Import;

/// <summary>The result of importing one file for one user.</summary>
/// <param name="UserId">The person.</param>
/// <param name="Source">The file's full path.</param>
/// <param name="Kind">What the file turned out to be.</param>
/// <param name="Rows">Interaction rows in the file.</param>
/// <param name="Imported">Interactions journaled now.</param>
/// <param name="Duplicates">Interactions already imported before (not journaled again).</param>
/// <param name="Skipped">Bad rows, not imported (any table).</param>
/// <param name="PatternRows">Pattern rows in the file.</param>
/// <param name="PatternsImported">Patterns journaled now.</param>
/// <param name="PatternDuplicates">Patterns imported before.</param>
/// <param name="MetricRows">Metric rows in the file.</param>
/// <param name="MetricsImported">Metrics journaled now.</param>
/// <param name="MetricDuplicates">Metrics imported before.</param>
/// <param name="SequenceNr">The user's last journal sequence number afterwards.</param>
public sealed record ImportReport(
    string UserId,
    string Source,
    ImportSourceKind Kind,
    long Rows,
    long Imported,
    long Duplicates,
    IReadOnlyList<ImportProblem> Skipped,
    long PatternRows,
    long PatternsImported,
    long PatternDuplicates,
    long MetricRows,
    long MetricsImported,
    long MetricDuplicates,
    long SequenceNr);

/// <summary>
/// Sends an <see cref="ImportPlan"/> to a user's session in chunks (<see cref="ImportHistory"/>), one durable
/// <c>PersistAll</c> each, and sums the replies.
/// </summary>
/// <remarks>
/// Nothing is sent before the whole file has been read and validated, so a file that is not what it claims, or a
/// bad row under <c>strict</c>, imports nothing. Chunks keep each write and reply short and give progress. If the
/// process dies between chunks, the chunks already acknowledged stay imported; running the same import again adds
/// exactly the rest, because every row's import key is remembered.
/// </remarks>
internal static class HistoryImporter
{
    /// <summary>Rows per chunk: large enough that the per-write overhead vanishes, small enough to reply well
    /// within the ask timeout on a slow disk.</summary>
    public const int DefaultChunkSize = 5000;

    /// <summary>Under <paramref name="strict"/>, a file with any bad row is rejected as a whole, naming the first one.</summary>
    /// <exception cref="InvalidInputException">Strict and the plan has problems.</exception>
    public static void EnsureImportable(ImportPlan plan, bool strict)
    {
        if (strict && plan.Problems.Count > 0)
        {
            var first = plan.Problems[0];
            throw new InvalidInputException(new CommandRejected(
                $"{first.Table}[{first.Row}].{first.Field}",
                string.Create(CultureInfo.InvariantCulture, $"{first.Rule} (strict import: nothing imported; {plan.Problems.Count} bad row(s) in the file)")));
        }
    }

    /// <summary>Imports <paramref name="plan"/> with any way of asking the user's tree (<paramref name="send"/> must
    /// return the <see cref="HistoryImported"/> reply or throw).</summary>
    public static async Task<ImportReport> RunAsync(
        string userId,
        ImportPlan plan,
        bool strict,
        Func<ImportHistory, CancellationToken, Task<HistoryImported>> send,
        IProgress<ImportProgress>? progress = null,
        int chunkSize = DefaultChunkSize,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkSize, ImportRules.MaxRowsPerChunk);
        if (InputRules.Id("userId", userId) is { } badUser)
        {
            throw new InvalidInputException(badUser);
        }

        EnsureImportable(plan, strict);
        var sum = await SendChunksAsync(userId, plan, send, progress, chunkSize, cancellationToken).ConfigureAwait(false);
        return new ImportReport(
            userId, plan.Source, plan.Kind, plan.Rows, sum.Interactions, sum.InteractionDuplicates, plan.Problems,
            plan.PatternRows, sum.Patterns, sum.PatternDuplicates, plan.MetricRows, sum.Metrics, sum.MetricDuplicates, sum.SequenceNr);
    }

    /// <summary>Sends every chunk in turn (interactions, then patterns, then metrics) and sums the replies.</summary>
    private static async Task<HistoryImported> SendChunksAsync(
        string userId,
        ImportPlan plan,
        Func<ImportHistory, CancellationToken, Task<HistoryImported>> send,
        IProgress<ImportProgress>? progress,
        int chunkSize,
        CancellationToken cancellationToken)
    {
        var total = (long)plan.Interactions.Count + plan.Patterns.Count + plan.Metrics.Count;
        var done = 0L;
        var sum = new HistoryImported(0, 0, 0, 0, 0, 0, 0);
        progress?.Report(new ImportProgress("write", 0, total));
        foreach (var (chunk, rows) in Chunks(userId, plan, chunkSize))
        {
            sum = Add(sum, await send(chunk, cancellationToken).ConfigureAwait(false));
            done += rows;
            progress?.Report(new ImportProgress("write", done, total));
        }

        if (total == 0)
        {
            // Nothing to write, but the report still states where the journal stands.
            sum = await send(new ImportHistory(userId, plan.Source, [], [], []), cancellationToken).ConfigureAwait(false);
        }

        return sum;
    }

    private static IEnumerable<(ImportHistory Chunk, int Rows)> Chunks(string userId, ImportPlan plan, int chunkSize)
    {
        foreach (var chunk in plan.Interactions.Chunk(chunkSize))
        {
            yield return (new ImportHistory(userId, plan.Source, chunk, [], []), chunk.Length);
        }

        foreach (var chunk in plan.Patterns.Chunk(chunkSize))
        {
            yield return (new ImportHistory(userId, plan.Source, [], chunk, []), chunk.Length);
        }

        foreach (var chunk in plan.Metrics.Chunk(chunkSize))
        {
            yield return (new ImportHistory(userId, plan.Source, [], [], chunk), chunk.Length);
        }
    }

    /// <summary>The counts added up; the sequence number is the latest reply's.</summary>
    private static HistoryImported Add(HistoryImported sum, HistoryImported reply) => new(
        sum.Interactions + reply.Interactions,
        sum.InteractionDuplicates + reply.InteractionDuplicates,
        sum.Patterns + reply.Patterns,
        sum.PatternDuplicates + reply.PatternDuplicates,
        sum.Metrics + reply.Metrics,
        sum.MetricDuplicates + reply.MetricDuplicates,
        reply.SequenceNr);
}
