using Microsoft.ML.OnnxRuntime;

namespace NixHumanity.Actors.Embeddings;

/// <summary>The inputs and output <see cref="OnnxSentenceEmbedder"/> expects of a model.</summary>
internal static class OnnxModelSignature
{
    /// <summary>
    /// Checks that the session has the inputs and the 3-d <c>last_hidden_state</c> output of an
    /// all-MiniLM-L6-v2-shaped export; returns whether it takes <c>token_type_ids</c>.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="modelPath">The model's name in messages.</param>
    /// <param name="dimensions">The hidden size (384 when symbolic).</param>
    /// <returns>Whether the model has a <c>token_type_ids</c> input.</returns>
    /// <exception cref="InvalidDataException">An input or the output is missing or of the wrong shape.</exception>
    public static bool Check(InferenceSession session, string modelPath, out int dimensions)
    {
        var inputs = session.InputMetadata;
        foreach (var required in new[] { "input_ids", "attention_mask" })
        {
            if (!inputs.ContainsKey(required))
            {
                throw new InvalidDataException(
                    $"ONNX model '{modelPath}' has no input '{required}' (inputs: {string.Join(", ", inputs.Keys)}); " +
                    "expected an all-MiniLM-L6-v2-shaped export with input_ids, attention_mask, token_type_ids.");
            }
        }

        var unexpected = inputs.Keys.Where(k => k is not ("input_ids" or "attention_mask" or "token_type_ids")).ToList();
        if (unexpected.Count > 0)
        {
            throw new InvalidDataException(
                $"ONNX model '{modelPath}' has inputs this embedder cannot fill: {string.Join(", ", unexpected)}.");
        }

        if (!session.OutputMetadata.TryGetValue(OnnxSentenceEmbedder.OutputName, out var output))
        {
            throw new InvalidDataException(
                $"ONNX model '{modelPath}' has no output '{OnnxSentenceEmbedder.OutputName}' (outputs: {string.Join(", ", session.OutputMetadata.Keys)}).");
        }

        var last = output.Dimensions.Length == 3 ? output.Dimensions[2] : -2;
        if (last == -2)
        {
            throw new InvalidDataException(
                $"ONNX model '{modelPath}' output '{OnnxSentenceEmbedder.OutputName}' has rank {output.Dimensions.Length}, expected 3 [batch, seq, hidden].");
        }

        // A symbolic hidden size (-1) is accepted as 384 and checked again on every run.
        dimensions = last > 0 ? last : 384;
        return inputs.ContainsKey("token_type_ids");
    }
}
