using System.Text;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Embeddings;

/// <summary>The model read from the package's DLL into the project's own ONNX embedder.</summary>
[Collection(PackagedModelCollection.Name)]
public sealed class PackagedMiniLmSpecs(PackagedMiniLmFixture model)
{
    [Fact]
    public void The_reference_sentence_gives_the_published_all_minilm_vector()
    {
        // sentence-transformers' all-MiniLM-L6-v2 for "This is an example sentence" (STACK-NOTES.md).
        var vector = model.Embedder.Embed("This is an example sentence");
        vector.Take(5).Should().Equal([0.06766f, 0.06350f, 0.04871f, 0.07930f, 0.03745f], (a, b) => Math.Abs(a - b) < 1e-4f);
        VectorMath.Dot(vector, vector).Should().BeApproximately(1f, 1e-5f);
    }

    [Fact]
    public void The_id_known_before_loading_is_the_id_of_the_loaded_model()
    {
        model.Embedder.Id.Should().Be(PackagedMiniLm.EmbedderId);
        model.Embedder.Sha256.Should().Be(PackagedMiniLm.Sha256);
        model.Embedder.Dimensions.Should().Be(PackagedMiniLm.Dimensions);
    }

    [Fact]
    public void The_dll_is_beside_the_binaries_and_the_model_bytes_have_the_pinned_hash()
    {
        File.Exists(PackagedMiniLm.DefaultAssemblyPath).Should().BeTrue("the build copies the package DLL beside every consumer's binaries");
        var act = () => PackagedMiniLm.Load(null, null, new string('0', 64));
        act.Should().Throw<ModelChecksumException>()
            .Which.Actual.Should().Be(PackagedMiniLm.Sha256);
    }

    [Fact]
    public void The_vocabulary_resource_is_the_bert_uncased_vocabulary_with_its_crlf_line_ends_removed()
    {
        var resource = Encoding.UTF8.GetString(PackagedMiniLm.ReadVocabulary(PackagedMiniLm.DefaultAssemblyPath));
        var committed = File.ReadAllText(RepositoryFiles.PathOf("models/all-MiniLM-L6-v2/vocab.txt"));
        resource.Should().NotContain("\r");
        resource.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Should().Equal(committed.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Tokens_from_the_resource_vocabulary_are_the_known_bert_ids()
    {
        // Same ids as the tokenizer built from the committed vocab.txt (OnnxSentenceEmbedderSpecs).
        model.Embedder.Tokenize("install development tools").Should().Equal(101, 16500, 2458, 5906, 102);
    }

    [Fact]
    public void A_resource_is_read_from_an_assembly_file_without_loading_it()
    {
        var library = typeof(PackagedMiniLm).Assembly.Location;
        var bytes = ManifestResourceFile.Read(library, "hocon/akka.conf");
        Encoding.UTF8.GetString(bytes).Should().Be(File.ReadAllText(RepositoryFiles.PathOf("hocon/akka.conf")));

        var missing = () => ManifestResourceFile.Read(library, PackagedMiniLm.ModelResource);
        missing.Should().Throw<InvalidDataException>().WithMessage($"*{PackagedMiniLm.ModelResource}*");
        var notAssembly = () => ManifestResourceFile.Read(RepositoryFiles.PathOf("hocon/akka.conf"), PackagedMiniLm.ModelResource);
        notAssembly.Should().Throw<InvalidDataException>();
    }
}
