using NixHumanity.Actors.Session;
namespace NixHumanity.Actors.DataPortability.Import;

/// <summary>What kind of file an import reads; detected from the content, never from the file name.</summary>
public enum ImportSourceKind
{
    /// <summary>The assistant's SQLite database (<c>interactions</c>, <c>patterns</c>, <c>evolution</c>).</summary>
    Sqlite,

    /// <summary>The assistant's <c>learning.json</c> (<c>commandHistory</c>).</summary>
    LearningJson,
}

/// <summary>Wire spellings of <see cref="ImportSourceKind"/>.</summary>
internal static class ImportSourceKinds
{
    /// <summary><c>sqlite</c> or <c>learning-json</c>.</summary>
    public static string ToWire(this ImportSourceKind kind) => kind == ImportSourceKind.Sqlite ? "sqlite" : "learning-json";
}

/// <summary>A row of the source file that cannot be imported, and why.</summary>
/// <param name="Table">Where it is: <c>interactions</c>, <c>patterns</c>, <c>evolution</c> or <c>commandHistory</c>.</param>
/// <param name="Row">Its 1-based position in that table or array (SQLite: in <c>rowid</c> order).</param>
/// <param name="Field">The column or key at fault, as the file names it (e.g. <c>input_text</c>, <c>timestamp</c>).</param>
/// <param name="Rule">The rule it broke.</param>
public sealed record ImportProblem(string Table, long Row, string Field, string Rule)
{
    /// <summary>One line for people: <c>interactions[3].input_text: must not be empty</c>.</summary>
    public string Message => $"{Table}[{Row}].{Field}: {Rule}";
}

/// <summary>Everything read from one source file, validated, before anything is written.</summary>
/// <param name="Source">The file's full path.</param>
/// <param name="Kind">What the content turned out to be.</param>
/// <param name="Rows">Interaction rows in the file, good and bad.</param>
/// <param name="PatternRows">Pattern rows in the file, good and bad.</param>
/// <param name="MetricRows">Metric (evolution) rows in the file, good and bad.</param>
/// <param name="Interactions">The good interaction rows, oldest first.</param>
/// <param name="Patterns">The good pattern rows.</param>
/// <param name="Metrics">The good metric rows.</param>
/// <param name="Problems">The bad rows, in file order.</param>
public sealed record ImportPlan(
    string Source,
    ImportSourceKind Kind,
    long Rows,
    long PatternRows,
    long MetricRows,
    IReadOnlyList<ImportedInteraction> Interactions,
    IReadOnlyList<ImportedPattern> Patterns,
    IReadOnlyList<ImportedMetric> Metrics,
    IReadOnlyList<ImportProblem> Problems);

/// <summary>How far an import has come, for a progress bar.</summary>
/// <param name="Phase"><c>read</c> (rows read from the file) or <c>write</c> (rows journaled or found duplicate).</param>
/// <param name="Done">Rows done in this phase.</param>
/// <param name="Total">Rows in this phase.</param>
public sealed record ImportProgress(string Phase, long Done, long Total);
