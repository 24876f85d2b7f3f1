using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.DataPortability.Import;

/// <summary>
/// The row validation shared by the readers: a row that breaks a rule becomes an <see cref="ImportProblem"/> (named
/// as the file names the field) instead of an imported row, and the session's own import rules are applied to every
/// row that parsed, so a plan never holds a row the session would reject.
/// </summary>
internal static class ImportRows
{
    /// <summary>
    /// <paramref name="interaction"/> if the session's rules accept it, else null with its problem recorded;
    /// <paramref name="fieldNames"/> maps the rule's field to the file's column or key.
    /// </summary>
    public static ImportedInteraction? Checked(
        List<ImportProblem> problems, string table, long row, ImportedInteraction interaction, DateTimeOffset now, Dictionary<string, string> fieldNames) =>
        ImportRules.Check(interaction, now) is { } rejection ? Bad<ImportedInteraction>(problems, table, row, fieldNames, rejection) : interaction;

    /// <summary><paramref name="pattern"/> if the session's rules accept it, else null with its problem recorded.</summary>
    public static ImportedPattern? Checked(
        List<ImportProblem> problems, string table, long row, ImportedPattern pattern, DateTimeOffset now, Dictionary<string, string> fieldNames) =>
        ImportRules.Check(pattern, now) is { } rejection ? Bad<ImportedPattern>(problems, table, row, fieldNames, rejection) : pattern;

    /// <summary><paramref name="metric"/> if the session's rules accept it, else null with its problem recorded.</summary>
    public static ImportedMetric? Checked(
        List<ImportProblem> problems, string table, long row, ImportedMetric metric, DateTimeOffset now, Dictionary<string, string> fieldNames) =>
        ImportRules.Check(metric, now) is { } rejection ? Bad<ImportedMetric>(problems, table, row, fieldNames, rejection) : metric;

    /// <summary>Records a bad row and returns null, so a row builder can <c>return Bad(...)</c>.</summary>
    public static T? Bad<T>(List<ImportProblem> problems, string table, long row, string field, string rule) where T : class
    {
        problems.Add(new ImportProblem(table, row, field, rule));
        return null;
    }

    /// <summary><see cref="Bad{T}(List{ImportProblem}, string, long, string, string)"/> for interactions, the common case.</summary>
    public static ImportedInteraction? Bad(List<ImportProblem> problems, string table, long row, string field, string rule) =>
        Bad<ImportedInteraction>(problems, table, row, field, rule);

    /// <summary>The interactions oldest first; stable, so equal times keep file order.</summary>
    public static List<ImportedInteraction> Chronological(List<ImportedInteraction> interactions) =>
        [.. interactions.OrderBy(i => i.At)];

    private static T? Bad<T>(List<ImportProblem> problems, string table, long row, Dictionary<string, string> fieldNames, CommandRejected rejection) where T : class =>
        Bad<T>(problems, table, row, fieldNames.GetValueOrDefault(rejection.Field, rejection.Field), rejection.Rule);
}
