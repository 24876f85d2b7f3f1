using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Embeddings;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>Validation of the memory and embedder options at configuration time.</summary>
public sealed class MemoryOptionsSpecs
{
    [Theory]
    [InlineData("onnx-without-settings", "Embeddings.Onnx")]
    [InlineData("word-vectors-without-settings", "Embeddings.WordVectors")]
    [InlineData("bad-sha", "Embeddings.Onnx.ExpectedSha256")]
    [InlineData("ftp-download", "Embeddings.Onnx.DownloadUrl")]
    [InlineData("nan-weight", "Memory.PreferenceWeight")]
    [InlineData("negative-weight", "Memory.SuccessRateWeight")]
    [InlineData("zero-hnsw", "Memory.HnswThreshold")]
    [InlineData("zero-embedder-failures", "Memory.UnavailableAfterEmbedderFailures")]
    public void Unusable_memory_options_are_rejected_naming_the_option(string case_, string parameter)
    {
        var options = new Actors.Hosting.NixHumanityOptions { DataDirectory = Path.GetTempPath() };
        var onnx = new OnnxSentenceEmbedderOptions { ModelPath = "/nonexistent/model.onnx" };
        switch (case_)
        {
            case "onnx-without-settings": options.Embeddings = new EmbedderOptions { Kind = EmbedderKind.Onnx }; break;
            case "word-vectors-without-settings": options.Embeddings = new EmbedderOptions { Kind = EmbedderKind.WordVectors }; break;
            case "bad-sha": options.Embeddings = new EmbedderOptions { Kind = EmbedderKind.Onnx, Onnx = onnx with { ExpectedSha256 = "abc" } }; break;
            case "ftp-download": options.Embeddings = new EmbedderOptions { Kind = EmbedderKind.Onnx, Onnx = onnx with { DownloadUrl = new Uri("ftp://example.org/m.onnx") } }; break;
            case "nan-weight": options.Memory.PreferenceWeight = double.NaN; break;
            case "negative-weight": options.Memory.SuccessRateWeight = -0.1; break;
            case "zero-hnsw": options.Memory.HnswThreshold = 0; break;
            case "zero-embedder-failures": options.Memory.UnavailableAfterEmbedderFailures = 0; break;
        }

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.ParamName.Should().Be(parameter);
    }

    [Fact]
    public void A_configured_but_absent_model_falls_back_to_the_ngram_embedder_and_says_so_once()
    {
        var options = new Actors.Hosting.NixHumanityOptions
        {
            Embeddings = new EmbedderOptions { Kind = EmbedderKind.Onnx, Onnx = new OnnxSentenceEmbedderOptions { ModelPath = "/nonexistent/model.onnx" } },
        };
        options.Validate();
        var warnings = new List<string>();

        using var embedder = options.CreateEmbedder(warnings.Add);

        embedder.Id.Should().Be(HashedNGramEmbedder.DefaultId);
        warnings.Should().ContainSingle().Which.Should().Contain("/nonexistent/model.onnx");
    }
}
