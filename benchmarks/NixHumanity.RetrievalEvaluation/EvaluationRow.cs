namespace NixHumanity.RetrievalEvaluation;

/// <summary>The outcomes of one embedder under one search configuration on one data set.</summary>
/// <param name="Embedder">The embedder's label.</param>
/// <param name="EmbedderId">The embedder's id (model and version).</param>
/// <param name="Configuration">The search configuration.</param>
/// <param name="Card">Every question's outcome.</param>
internal sealed record EvaluationRow(string Embedder, string EmbedderId, SearchConfiguration Configuration, ScoreCard Card);

/// <summary>How fast an embedder embedded a data set's texts (batched, after a warm-up call).</summary>
/// <param name="Embedder">The embedder's label.</param>
/// <param name="DataSet">Which texts.</param>
/// <param name="Texts">How many texts.</param>
/// <param name="Seconds">Wall time of the batched calls.</param>
internal sealed record EmbeddingTiming(string Embedder, string DataSet, int Texts, double Seconds)
{
    /// <summary>Texts per second.</summary>
    public double TextsPerSecond => Texts / Seconds;
}

/// <summary>Measures wall time of a call.</summary>
internal static class Timed
{
    /// <summary>Runs <paramref name="call"/> and returns its result with the elapsed milliseconds.</summary>
    public static (T Result, double Milliseconds) Run<T>(Func<T> call)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = call();
        return (result, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Embeds <paramref name="texts"/> in batches of <paramref name="batchSize"/> after one warm-up call, timing the batches.</summary>
    /// <remarks>With <c>--embedding-cache</c>, cached texts are not embedded again (the time is then not meaningful).</remarks>
    public static (float[][] Vectors, double Seconds) EmbedAll(NixHumanity.Actors.Embeddings.IEmbedder embedder, IReadOnlyList<string> texts, int batchSize = 64)
    {
        embedder.Embed("warm up");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var vectors = EmbeddingCache.EmbedAll(embedder, texts, missing =>
        {
            var embedded = new List<float[]>(missing.Count);
            for (var start = 0; start < missing.Count; start += batchSize)
            {
                embedded.AddRange(embedder.EmbedBatch(missing.Skip(start).Take(batchSize).ToList()));
            }

            return embedded.ToArray();
        });
        return (vectors, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
