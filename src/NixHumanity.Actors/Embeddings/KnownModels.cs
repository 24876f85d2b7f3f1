namespace NixHumanity.Actors.Embeddings;

/// <summary>
/// Published exports of all-MiniLM-L6-v2 and their sha256 (from their Git-LFS pointers; see
/// <c>models/all-MiniLM-L6-v2/PROVENANCE.md</c>). A model file whose hash is one of these is accepted without
/// a configured checksum.
/// </summary>
internal static class KnownModels
{
    /// <summary>Name of the sentence-transformers model the ONNX embedder is shaped for.</summary>
    public const string AllMiniLmL6V2 = "all-MiniLM-L6-v2";

    /// <summary>Xenova/all-MiniLM-L6-v2 <c>onnx/model.onnx</c> (fp32, 90387606 bytes).</summary>
    public const string XenovaFp32Sha256 = "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e";

    /// <summary>Xenova/all-MiniLM-L6-v2 <c>onnx/model_quantized.onnx</c> (int8, 22972370 bytes).</summary>
    public const string XenovaQuantizedSha256 = "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1";

    /// <summary>sentence-transformers/all-MiniLM-L6-v2 <c>onnx/model_quint8_avx2.onnx</c> (23046789 bytes).</summary>
    public const string SentenceTransformersQuint8Avx2Sha256 = "b941bf19f1f1283680f449fa6a7336bb5600bdcd5f84d10ddc5cd72218a0fd21";

    /// <summary>sentence-transformers/all-MiniLM-L6-v2 <c>onnx/model_qint8_avx512.onnx</c> (23026053 bytes).</summary>
    public const string SentenceTransformersQint8Avx512Sha256 = "4278337fd0ff3c68bfb6291042cad8ab363e1d9fbc43dcb499fe91c871902474";

    /// <summary>chroma-core/onnx-embedding <c>onnx/model.onnx</c> (optimum fp32 export, 90387606 bytes).</summary>
    public const string ChromaFp32Sha256 = "4f148ba8ae9c2c7fbee4af2b132db8d06c6a6545b47fc83bbb98c3d22b8393e6";

    /// <summary>Every published sha256 above, lower-case hex.</summary>
    public static IReadOnlyList<string> PublishedSha256 { get; } =
    [
        XenovaFp32Sha256, XenovaQuantizedSha256, SentenceTransformersQuint8Avx2Sha256,
        SentenceTransformersQint8Avx512Sha256, ChromaFp32Sha256,
    ];
}
