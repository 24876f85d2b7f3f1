using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Memory.Where;
using NixHumanity.Actors.Projections;

namespace NixHumanity.Actors.Memory;

// ---- Commands and queries --------------------------------------------------------------------------------------

/// <summary>
/// Asks the memory actor how far its projection has got; replied to with <see cref="ProjectionStatus"/> (including
/// the number of memories, the table version and the embedder id). While a batch of the person's records is with the
/// embedder, the answer waits for that batch (milliseconds with the built-in embedders), so it counts every record
/// the memory had taken in before the request; it does not wait for records that arrive after it. A memory that is
/// behind (more than a batch of messages queued, or of records held for the embedder) answers at once with the
/// checkpoint it has reached (<see cref="IProgressRequest"/>, docs/adr/0052).
/// </summary>
/// <param name="UserId">The person.</param>
internal sealed record GetMemoryStatus(string UserId) : IMemoryMessage, IProgressRequest;

/// <summary>
/// Finds the remembered commands closest in meaning to <paramref name="Query"/>. Replied to with
/// <see cref="MemorySearched"/>, or <see cref="Contracts.CommandRejected"/> for bad input (fields <c>query</c>,
/// <c>limit</c>, <c>where</c>, <c>asOf</c>).
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Query">What the person said (1..4096 characters, not blank).</param>
/// <param name="Limit">Results wanted, 1..1000.</param>
/// <param name="Where">Optional prefilter over the metadata columns, e.g. <c>success_rate &gt; 0.8</c> (see <see cref="WherePredicate"/>).</param>
/// <param name="AsOf">Optional time travel: a table version number or an ISO-8601 time (the latest version at or before it).</param>
public sealed record SearchMemory(string UserId, string Query, int Limit = 5, string? Where = null, string? AsOf = null) : IMemoryMessage;

/// <summary>
/// Drops time travel to versions before <paramref name="UpToVersion"/> (default: all but the current version).
/// Replied to with <see cref="MemoryCompacted"/>, or <see cref="Contracts.CommandRejected"/> (field <c>upToVersion</c>).
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="UpToVersion">The oldest version that stays readable; null for the current one.</param>
internal sealed record CompactMemory(string UserId, long? UpToVersion = null) : IMemoryMessage;

/// <summary>
/// For the learner: every remembered command with its vector and statistics, from which it derives the
/// success-weighted preference direction. Replied to with <see cref="CommandEmbeddings"/> once the memory has applied
/// the events up to <paramref name="Through"/> (a fold's last interaction): events held for a model that is not
/// loaded yet are waited for (its load started when <paramref name="LoadModel"/> is set or the host loads it for new
/// events anyway), so a fold's direction holds that fold's own commands. Otherwise, and during a background
/// re-embedding, it answers at once with what is applied (its <see cref="CommandEmbeddings.AppliedThrough"/> then says
/// how far that is, and the learner writes no direction from it).
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Through">The journal sequence number the answer must include; 0 for whatever is applied.</param>
/// <param name="LoadModel">Whether to load a model not loaded yet for it: a fold someone asked for does, a timer's
/// fold in a verb's short process (which never loads the model for records) does not.</param>
internal sealed record GetCommandEmbeddings(string UserId, long Through = 0, bool LoadModel = true) : IMemoryMessage;

/// <summary>
/// From the learner: the person's preference direction (384 finite values, not all zero; normalised here) and
/// optional per-command affinities in [-1,1]. Search adds <see cref="MemoryOptions.PreferenceWeight"/> ×
/// (cosine(memory vector, direction) + affinity of its command) to the score. Replied to with
/// <see cref="PreferencesUpdated"/>, or <see cref="Contracts.CommandRejected"/> (fields <c>direction</c>,
/// <c>commandAffinity</c>); a rejection changes nothing.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Direction">The preference direction in the embedder's space.</param>
/// <param name="CommandAffinity">Optional affinity per command, each finite and within [-1,1].</param>
internal sealed record UpdatePreferences(string UserId, float[] Direction, IReadOnlyDictionary<string, double>? CommandAffinity = null) : IMemoryMessage;

/// <summary>
/// From the learner: requests the person is likely to make next. Their live search results are computed now and
/// cached, so a following <see cref="SearchMemory"/> with the same text (no where, no as-of, limit ≤ the cached
/// depth) is answered from the cache until the memory changes. Replied to with <see cref="SuggestionsWarmed"/>.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="LikelyNextTexts">The requests (each 1..4096 characters, not blank; at most <see cref="MemoryOptions.WarmCacheSize"/>).</param>
internal sealed record WarmSuggestions(string UserId, IReadOnlyList<string> LikelyNextTexts) : IMemoryMessage;

// ---- Replies ---------------------------------------------------------------------------------------------------

/// <summary>One hit of <see cref="SearchMemory"/>.</summary>
/// <param name="Id">The memory's id (<c>cmd-</c> + 16 hex digits of the command's SHA-256).</param>
/// <param name="Command">The command.</param>
/// <param name="Text">The phrasing stored with it (the latest at the version read).</param>
/// <param name="Intent">The latest reported intent, if any.</param>
/// <param name="Score">The ranking score: weighted relevance and success rate, plus the preference term when preferences are set.</param>
/// <param name="Similarity">Cosine similarity between the query and the memory.</param>
/// <param name="SuccessRate">Successes / attempts (0 before any reported outcome).</param>
/// <param name="UserSatisfaction">Mean reported satisfaction, or null.</param>
/// <param name="Attempts">Recordings with a reported outcome.</param>
/// <param name="PreferenceAlignment">Cosine between the memory and the preference direction, or null when no preferences are set.</param>
/// <param name="Confidence">How relevant the store judges the memory, in [0,1]: the fused channel relevance before
/// success rate and preferences (see docs/retrieval.md).</param>
public sealed record MemoryHit(
    string Id,
    string Command,
    string Text,
    string? Intent,
    double Score,
    double Similarity,
    double SuccessRate,
    double? UserSatisfaction,
    long Attempts,
    double? PreferenceAlignment,
    double Confidence = 0);

/// <summary>Reply to <see cref="SearchMemory"/>.</summary>
/// <param name="UserId">The person.</param>
/// <param name="Query">The query as asked.</param>
/// <param name="Version">The table version that was read.</param>
/// <param name="Strategy">How the search ran (exact, filtered, HNSW, historical).</param>
/// <param name="FromCache">True when served from the results cached by <see cref="WarmSuggestions"/>.</param>
/// <param name="Results">Best first (also when <paramref name="Abstained"/>: then they are the closest, not relevant, memories).</param>
/// <param name="Abstained">True when nothing remembered is relevant: no candidate's confidence reached
/// <see cref="MemoryOptions.AbstainBelow"/>.</param>
/// <param name="BestConfidence">The highest confidence among the candidates, also when abstaining.</param>
public sealed record MemorySearched(
    string UserId,
    string Query,
    long Version,
    SearchStrategy Strategy,
    bool FromCache,
    IReadOnlyList<MemoryHit> Results,
    bool Abstained = false,
    double BestConfidence = 0);

/// <summary>Reply to <see cref="CompactMemory"/>.</summary>
/// <param name="UserId">The person.</param>
/// <param name="Report">What was removed and which time travel remains.</param>
public sealed record MemoryCompacted(string UserId, CompactionReport Report);

/// <summary>One remembered command as the learner needs it.</summary>
/// <param name="Id">The memory id.</param>
/// <param name="Command">The command.</param>
/// <param name="Vector">Its L2-normalised vector (a copy).</param>
/// <param name="Attempts">Recordings with a reported outcome.</param>
/// <param name="Successes">Recordings reported successful.</param>
/// <param name="SuccessRate">Successes / attempts (0 before any report).</param>
/// <param name="UserSatisfaction">Mean reported satisfaction, or null.</param>
internal sealed record CommandEmbedding(string Id, string Command, float[] Vector, long Attempts, long Successes, double SuccessRate, double? UserSatisfaction);

/// <summary>Reply to <see cref="GetCommandEmbeddings"/>.</summary>
/// <param name="UserId">The person.</param>
/// <param name="EmbedderId">The embedder that produced the vectors.</param>
/// <param name="Version">The table version read.</param>
/// <param name="Commands">Every live memory.</param>
/// <param name="AppliedThrough">The memory's checkpoint: the commands are those of the events up to it.</param>
internal sealed record CommandEmbeddings(string UserId, string EmbedderId, long Version, IReadOnlyList<CommandEmbedding> Commands, long AppliedThrough = 0);

/// <summary>Reply to <see cref="UpdatePreferences"/>: the preferences are in effect for the next search.</summary>
/// <param name="UserId">The person.</param>
/// <param name="Dimensions">Components of the stored direction.</param>
/// <param name="Affinities">Command affinities stored.</param>
internal sealed record PreferencesUpdated(string UserId, int Dimensions, int Affinities);

/// <summary>Reply to <see cref="WarmSuggestions"/>.</summary>
/// <param name="UserId">The person.</param>
/// <param name="Cached">Distinct texts whose results are now cached.</param>
/// <param name="Version">The table version the cached results were read at.</param>
internal sealed record SuggestionsWarmed(string UserId, int Cached, long Version);

/// <summary>
/// Asks the memory actor to write its store into <paramref name="Folder"/> as Parquet (only the owner reads its
/// store). Replied to with <see cref="StoreExported"/>.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Folder">An existing folder of the export.</param>
internal sealed record ExportMemory(string UserId, string Folder) : IMemoryMessage;

/// <summary>
/// A diagnostic (specs): the most records the memory has held unapplied at once, waiting for its embedder or for the
/// batch with it, since it started. Answered with <see cref="HeldEventsPeak"/> once caught up.
/// </summary>
/// <param name="UserId">The person.</param>
internal sealed record GetHeldEventsPeak(string UserId) : IMemoryMessage;

/// <summary>Reply to <see cref="GetHeldEventsPeak"/>.</summary>
/// <param name="Events">The most events held and being embedded at once.</param>
internal sealed record HeldEventsPeak(int Events);
