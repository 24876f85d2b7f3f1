using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Tests.Embeddings;

public sealed class UnicodeFoldingSpecs
{
    [Theory]
    // Expected strings computed with Python: ''.join(c for c in unicodedata.normalize('NFD', s) if category(c) != 'Mn')
    [InlineData("Ñandú Ångström œ ﬁ", "Nandu Angstrom œ ﬁ")]
    [InlineData("Grüße, Zoë! Crème brûlée", "Gruße, Zoe! Creme brulee")]
    [InlineData("한국어", "\u1112\u1161\u11AB\u1100\u116E\u11A8\u110B\u1165")]
    [InlineData("ǅ Ǆ ἀθῆναι", "ǅ Ǆ αθηναι")]
    [InlineData("e\u0301", "e")]
    [InlineData("plain ascii stays the same", "plain ascii stays the same")]
    public void Folding_equals_nfd_without_nonspacing_marks(string input, string expected)
    {
        UnicodeFolding.RemoveDiacritics(input).Should().Be(expected);
    }

    [Fact]
    public void String_normalize_really_is_a_no_op_in_this_build_which_is_why_the_table_exists()
    {
        // If this starts failing (globalization enabled), UnicodeFolding is still correct, merely redundant.
        "é".Normalize(System.Text.NormalizationForm.FormD).Should().Be("é");
    }
}
