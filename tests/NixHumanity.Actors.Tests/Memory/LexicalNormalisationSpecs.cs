using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Tests.Memory;

/// <summary>
/// The lexical channels' own normalisation on top of the embedders' (docs/retrieval.md, "Channels"): the word
/// channel meets inflected forms through <see cref="LightStemmer"/>, and spoken fillers are not terms.
/// </summary>
public sealed class LexicalNormalisationSpecs : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("painting", "paint")]
    [InlineData("paints", "paint")]
    [InlineData("painted", "paint")]
    [InlineData("updating", "updat")]
    [InlineData("updates", "updat")]
    [InlineData("running", "run")]
    [InlineData("stopped", "stop")]
    [InlineData("tried", "try")]
    [InlineData("libraries", "library")]
    [InlineData("boxes", "box")]
    [InlineData("installing", "install")]
    public void Inflected_forms_share_one_stem(string word, string stem) =>
        LightStemmer.Stem(word).Should().Be(stem);

    [Theory]
    [InlineData("installation")]
    [InlineData("generation")]
    [InlineData("bus")]
    [InlineData("class")]
    [InlineData("ssh")]
    [InlineData("x11")]
    [InlineData("1000")]
    public void Derivations_short_words_and_numbers_are_left_alone(string word) =>
        LightStemmer.Stem(word).Should().Be(word);

    [Fact]
    public void The_word_channel_finds_another_form_of_a_remembered_word()
    {
        using var store = Open();
        var response = store.Search(new MemoryQuery("paintings", TestVectors.Basis(300)), 2);

        response.Results[0].Command.Should().Be("gimp");
        response.Results[0].Channels.Lexical.Should().BeGreaterThan(0, "'paintings' and 'painting' share the stem 'paint'");
    }

    [Fact]
    public void Spoken_fillers_do_not_lower_a_request_s_word_score()
    {
        using var store = Open();
        var plain = store.Search(new MemoryQuery("gimp", TestVectors.Basis(300)), 1).Results[0];
        var spoken = store.Search(new MemoryQuery("um, uh, well... gimp", TestVectors.Basis(300)), 1).Results[0];

        spoken.Command.Should().Be("gimp");
        spoken.Channels.Lexical.Should().Be(plain.Channels.Lexical, "fillers count neither as matches nor in the highest attainable score");
        spoken.Channels.Typo.Should().Be(plain.Channels.Typo);
    }

    private VectorMemoryStore Open()
    {
        var store = VectorMemoryStore.Open(Path.Combine(_folder.Folder, VectorMemoryStore.FileName), new VectorMemoryStoreOptions { DenseWeight = 0, LexicalWeight = 1, TypoWeight = 1, SuccessRateWeight = 0 });
        store.Upsert(
        [
            (1L, TestVectors.Record("gimp", TestVectors.Basis(1), text: "install something for painting")),
            (2L, TestVectors.Record("vlc", TestVectors.Basis(2), text: "install a video player")),
        ]);
        return store;
    }
}
