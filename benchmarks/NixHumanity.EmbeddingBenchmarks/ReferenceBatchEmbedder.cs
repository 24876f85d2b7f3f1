using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using NixHumanity.Actors.Embeddings;

namespace NixHumanity.EmbeddingBenchmarks;

/// <summary>
/// The embedder's batching as it was before the speed work (issue 11 point 7), kept here as the side-by-side
/// reference: a session with ONNX Runtime's default options (spinning intra-op threads), texts in input order in
/// batches of 32, each padded to its longest text, new arrays per batch. Tokens come from the embedder itself.
/// </summary>
internal sealed class ReferenceBatchEmbedder(OnnxSentenceEmbedder tokens, byte[] model) : IDisposable
{
    private const int BatchSize = 32;
    private readonly InferenceSession _session = new(model, new SessionOptions());
    private readonly RunOptions _runOptions = new();

    public float[][] EmbedBatch(IReadOnlyList<string> texts)
    {
        var result = new float[texts.Count][];
        for (var start = 0; start < texts.Count; start += BatchSize)
        {
            var tokenized = texts.Skip(start).Take(BatchSize).Select(tokens.Tokenize).ToList();
            var pooled = Run(tokenized);
            pooled.CopyTo(result, start);
        }

        return result;
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private float[][] Run(List<IReadOnlyList<int>> tokenized)
    {
        var batch = tokenized.Count;
        var seq = tokenized.Max(t => t.Count);
        var ids = new long[batch * seq];
        var mask = new long[batch * seq];
        var types = new long[batch * seq];
        for (var b = 0; b < batch; b++)
        {
            for (var t = 0; t < tokenized[b].Count; t++)
            {
                ids[(b * seq) + t] = tokenized[b][t];
                mask[(b * seq) + t] = 1;
            }
        }

        long[] shape = [batch, seq];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        var inputs = new Dictionary<string, OrtValue> { ["input_ids"] = idsValue, ["attention_mask"] = maskValue, ["token_type_ids"] = typesValue };
        using var outputs = _session.Run(_runOptions, inputs, [OnnxSentenceEmbedder.OutputName]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var dims = tokens.Dimensions;
        var result = new float[batch][];
        for (var b = 0; b < batch; b++)
        {
            var pooled = new float[dims];
            for (var t = 0; t < tokenized[b].Count; t++)
            {
                TensorPrimitives.Add(pooled, hidden.Slice(((b * seq) + t) * dims, dims), pooled);
            }

            TensorPrimitives.Divide(pooled, TensorPrimitives.Norm(pooled), pooled);
            result[b] = pooled;
        }

        return result;
    }
}
