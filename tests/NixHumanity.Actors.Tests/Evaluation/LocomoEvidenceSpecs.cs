using NixHumanity.RetrievalEvaluation;

namespace NixHumanity.Actors.Tests.Evaluation;

/// <summary>How the retrieval evaluation reads LoCoMo evidence ids, on made-up ids (no LoCoMo data in the tests).</summary>
public sealed class LocomoEvidenceSpecs
{
    private static readonly HashSet<string> Turns = new(["D1:1", "D1:2", "D2:5", "D3:7"], StringComparer.Ordinal);

    [Fact]
    public void Well_formed_ids_of_existing_turns_are_kept_as_they_are()
    {
        LocomoData.ParseEvidence(["D1:2", "D2:5"], Turns, out var repaired).Should().BeEquivalentTo(["D1:2", "D2:5"]);
        repaired.Should().BeFalse();
    }

    [Theory]
    [InlineData("D1:1; D2:5")]
    [InlineData("D1:1 D2:5")]
    [InlineData("D1:1,D2:5")]
    public void An_entry_holding_several_ids_is_split(string entry)
    {
        LocomoData.ParseEvidence([entry], Turns, out var repaired).Should().BeEquivalentTo(["D1:1", "D2:5"]);
        repaired.Should().BeTrue();
    }

    [Fact]
    public void A_leading_zero_is_dropped()
    {
        LocomoData.ParseEvidence(["D3:07"], Turns, out var repaired).Should().BeEquivalentTo(["D3:7"]);
        repaired.Should().BeTrue();
    }

    [Fact]
    public void Ids_naming_no_turn_are_ignored()
    {
        LocomoData.ParseEvidence(["D", "D:1:1", "D9:9", "D1:1"], Turns, out _).Should().BeEquivalentTo(["D1:1"]);
        LocomoData.ParseEvidence(["D9:9"], Turns, out _).Should().BeEmpty();
    }
}
