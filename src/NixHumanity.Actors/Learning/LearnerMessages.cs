using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Projections;

namespace NixHumanity.Actors.Learning;

/// <summary>
/// Asks the learner actor how far its projection has got; replied to with <see cref="ProjectionStatus"/>. It sees every
/// event queued before it, also during a fold; a learner that is behind (more than a batch of messages queued) answers
/// at once with the checkpoint it has reached (<see cref="IProgressRequest"/>, docs/adr/0052).
/// </summary>
/// <param name="UserId">The person.</param>
internal sealed record GetLearnerStatus(string UserId) : ILearnerMessage, IProgressRequest;

/// <summary>
/// Runs one of the strategy's analytics queries on the person's store. Replied to with <see cref="AnalyticsRows"/>,
/// or <see cref="Contracts.CommandRejected"/> (field <c>query</c>) for an unknown name.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="QueryName"><c>flow</c>, <c>learning</c> or <c>interruptions</c>.</param>
internal sealed record RunAnalyticsQuery(string UserId, string QueryName) : ILearnerMessage;

/// <summary>
/// Appends biometric samples (the time-series role). All are checked first; on the first bad one the reply is
/// <see cref="Contracts.CommandRejected"/> (e.g. <c>samples[2].flowState</c>) and nothing is stored. Otherwise
/// <see cref="BiometricsRecorded"/>. Samples must carry the message's user id.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Samples">1..1,000,000 samples, ideally in time order.</param>
internal sealed record RecordBiometrics(string UserId, IReadOnlyList<BiometricSample> Samples) : ILearnerMessage;

/// <summary>
/// Loads the biometric samples of an export (<c>&lt;Folder&gt;/learner/biometrics.parquet</c>) into a person without
/// samples, keeping their original times. Replied to with <see cref="BiometricsRestored"/>, or
/// <see cref="Contracts.CommandRejected"/> (field <c>biometrics</c>) when the person already has samples or an exported
/// sample breaks the sample rules; then nothing is loaded. An export without the file restores none.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Folder">The export folder (already verified against its manifest).</param>
internal sealed record RestoreBiometrics(string UserId, string Folder) : ILearnerMessage;

/// <summary>Folds the interactions since the last fold into a new preference fragment now; replied to with <see cref="FoldReport"/>.</summary>
/// <param name="UserId">The person.</param>
internal sealed record FoldPreferences(string UserId) : ILearnerMessage;

/// <summary>
/// Reads the preference tensor as of a time. Replied to with <see cref="Preferences"/>, or
/// <see cref="Contracts.CommandRejected"/> (fields <c>asOf</c>, <c>features</c>).
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="AsOf">ISO-8601 time with offset; null = now.</param>
/// <param name="Features">An inclusive range <c>A..B</c> within 0..767; null = all.</param>
internal sealed record GetPreferences(string UserId, string? AsOf = null, string? Features = null) : ILearnerMessage;

/// <summary>
/// The commands the person most likely runs next, from their next-command transition counts. Replied to with
/// <see cref="NextCommands"/>, or <see cref="Contracts.CommandRejected"/> (field <c>limit</c>, 1..100).
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Limit">How many.</param>
internal sealed record SuggestNextCommands(string UserId, int Limit = 3) : ILearnerMessage;

/// <summary>
/// <c>status</c>'s likely next commands: answered by the user's tree with the learner's latest published prediction
/// (read right after the learner applied its latest events, docs/adr/0053) without waiting for the learner's turn; when
/// none is published (the learner has not read one since it opened its store, or is catching up, restarting or not
/// started) the learner is asked as with <see cref="SuggestNextCommands"/>. Replied to with <see cref="NextCommands"/>.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Limit">How many (1..10, the prediction kept fresh holds <see cref="LikelyNextCache.MinimumLimit"/>).</param>
internal sealed record GetLikelyNext(string UserId, int Limit = 3) : ILearnerMessage;

/// <summary>Row counts of the analytics tables and the checkpoint; replied to with <see cref="AnalyticsCounts"/>.</summary>
/// <param name="UserId">The person.</param>
internal sealed record GetAnalyticsCounts(string UserId) : ILearnerMessage;

/// <summary>
/// Writes the learner's stores into <c>&lt;Folder&gt;/learner/</c> for an export: the analytics tables as Parquet and
/// the preference fragments as they are (already Parquet). Replied to with <see cref="Contracts.StoreExported"/>.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Folder">An existing folder of the export.</param>
internal sealed record ExportLearner(string UserId, string Folder) : ILearnerMessage;

/// <summary>
/// Reply to <see cref="RunAnalyticsQuery"/>: the typed rows of the query asked (the other two lists are empty), so they
/// cross between cluster nodes as typed values (docs/adr/0034).
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Query">Which query answered.</param>
/// <param name="Flow">The flow rows (<see cref="AnalyticsQuery.Flow"/>).</param>
/// <param name="LearningCurve">The learning-curve rows (<see cref="AnalyticsQuery.Learning"/>).</param>
/// <param name="Interruptions">The interruption rows (<see cref="AnalyticsQuery.Interruptions"/>).</param>
internal sealed record AnalyticsRows(
    string UserId,
    AnalyticsQuery Query,
    IReadOnlyList<FlowRow> Flow,
    IReadOnlyList<LearningCurveRow> LearningCurve,
    IReadOnlyList<InterruptionRow> Interruptions)
{
    /// <summary>The rows by column name, as one person's result prints them.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public QueryResult Result => Query switch
    {
        AnalyticsQuery.Flow => QueryResult.Of(Flow),
        AnalyticsQuery.Learning => QueryResult.Of(LearningCurve, withUser: false),
        _ => QueryResult.Of(Interruptions, withUser: false),
    };

    /// <summary>Runs <paramref name="query"/> on <paramref name="store"/>, the store of <paramref name="userId"/>.</summary>
    public static AnalyticsRows Read(AnalyticsStore store, string userId, AnalyticsQuery query) => query switch
    {
        AnalyticsQuery.Flow => new(userId, query, store.FlowRows(), [], []),
        AnalyticsQuery.Learning => new(userId, query, [], store.LearningCurveRows(userId), []),
        AnalyticsQuery.Interruptions => new(userId, query, [], [], store.InterruptionRows(userId)),
        _ => throw new ArgumentOutOfRangeException(nameof(query), query, AnalyticsQueries.Rule),
    };
}

/// <summary>Reply to <see cref="RecordBiometrics"/>.</summary>
/// <param name="UserId">The person.</param>
/// <param name="Count">Samples stored.</param>
public sealed record BiometricsRecorded(string UserId, int Count);

/// <summary>Reply to <see cref="RestoreBiometrics"/>.</summary>
/// <param name="UserId">The person.</param>
/// <param name="Count">Samples loaded.</param>
internal sealed record BiometricsRestored(string UserId, long Count);

/// <summary>Reply to <see cref="FoldPreferences"/> (also the result of a timer fold).</summary>
/// <param name="UserId">The person.</param>
/// <param name="Written">False when there was nothing new to fold (nothing was written).</param>
/// <param name="Interactions">Interactions folded.</param>
/// <param name="FromSeq">First folded journal sequence number (0 when none).</param>
/// <param name="ToSeq">The fold watermark after the fold.</param>
/// <param name="Fragment">The new fragment's file name.</param>
/// <param name="Stamp">Its stamp.</param>
/// <param name="Features">Cells written.</param>
/// <param name="DirectionFromMemory">True when features 0..383 were written from the memory actor's embeddings.</param>
public sealed record FoldReport(
    string UserId,
    bool Written,
    long Interactions,
    long FromSeq,
    long ToSeq,
    string? Fragment,
    DateTimeOffset? Stamp,
    int Features,
    bool DirectionFromMemory);

/// <summary>One preference cell as read.</summary>
/// <param name="Feature">0..d+383 for an embedder of d dimensions (0..767 for the built-in ones; docs/adr/0032).</param>
/// <param name="Name">The behaviour feature's name, or <c>direction[i]</c>.</param>
/// <param name="Value">The preference.</param>
/// <param name="Time">The stamp of the fold that wrote it.</param>
public sealed record PreferenceCell(int Feature, string? Name, float Value, DateTimeOffset Time);

/// <summary>Reply to <see cref="GetPreferences"/>.</summary>
/// <param name="UserId">The person.</param>
/// <param name="AsOf">The time read at.</param>
/// <param name="Features">The range read.</param>
/// <param name="Cells">Ordered by feature.</param>
public sealed record Preferences(string UserId, DateTimeOffset AsOf, string Features, IReadOnlyList<PreferenceCell> Cells);

/// <summary>Reply to <see cref="SuggestNextCommands"/>.</summary>
/// <param name="UserId">The person.</param>
/// <param name="AfterCommand">The person's latest command, or null.</param>
/// <param name="Next">Most likely first, with probabilities.</param>
public sealed record NextCommands(string UserId, string? AfterCommand, IReadOnlyList<NextCommand> Next);

/// <summary>Reply to <see cref="GetAnalyticsCounts"/>.</summary>
/// <param name="UserId">The person.</param>
/// <param name="Checkpoint">The last journal sequence number applied.</param>
/// <param name="FoldedThrough">The fold watermark.</param>
/// <param name="Fragments">Preference fragments on disk.</param>
/// <param name="Tables">Rows per table.</param>
/// <param name="StoreStatements">DuckDB statements the learner ran on its stores (analytics, biometrics, fragments) since
/// they were opened, counted before this request's own: how much store work it does, e.g. none on an idle fold tick.</param>
internal sealed record AnalyticsCounts(string UserId, long Checkpoint, long FoldedThrough, int Fragments, IReadOnlyDictionary<string, long> Tables,
    long StoreStatements = 0);
