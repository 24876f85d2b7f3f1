namespace NixHumanity.Actors.Hosting;

/// <summary>What the data directory holds, read from its layout without opening any store.</summary>
/// <param name="DataDirectory">The data directory's full path.</param>
/// <param name="Embedder">The id of the embedder in use: the host's registered <c>IEmbeddingGenerator</c>
/// (<c>meai:provider/model:dimensions</c>) when there is one, else the configured one, or its fallback when its files are absent.</param>
/// <param name="Journal">The journal backend: <c>sqlite</c> or <c>postgres</c>.</param>
/// <param name="JournalBytes">Bytes of the files in the data directory's journal folder (the SQLite database and its write-ahead log).</param>
/// <param name="Users">Every user folder with its component sizes, by user id (ordinal).</param>
/// <param name="EmbedderKind">What the embedder is: <c>generator</c> (the host's), <c>minilm</c> (the packaged model),
/// <c>onnx</c> (a model file), <c>wordvectors</c> or <c>ngram</c>.</param>
/// <param name="EmbedderFallback">Why a fallback is in use instead of the configured embedder (for example the package
/// DLL is absent), or <see langword="null"/> when the configured one is.</param>
public sealed record StorageReport(
    string DataDirectory, string Embedder, string Journal, long JournalBytes, IReadOnlyList<UserStorage> Users,
    string EmbedderKind = "", string? EmbedderFallback = null);

/// <summary>The stores of one user on disk.</summary>
/// <param name="UserId">The person.</param>
/// <param name="Bytes">Bytes per component folder (e.g. <c>memory</c>, <c>learner</c>).</param>
/// <param name="TotalBytes">All components together.</param>
public sealed record UserStorage(string UserId, IReadOnlyDictionary<string, long> Bytes, long TotalBytes);
