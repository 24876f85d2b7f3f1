using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Embeddings;

/// <summary>Finds files committed beside these tests, from the test binaries' folder up to the repository root.</summary>
internal static class EmbeddingTestFiles
{
    public static string InThisFolder(string fileName)
    {
        var path = RepositoryFiles.PathOf($"tests/NixHumanity.Actors.Tests/Embeddings/{fileName}");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Test file '{path}' is missing.", path);
        }

        return path;
    }

    public static string TinyModel => InThisFolder("tiny-minilm.onnx");

    public static string QualitySet => InThisFolder("nixos-requests.json");
}
