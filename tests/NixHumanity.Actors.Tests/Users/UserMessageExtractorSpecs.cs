using NixHumanity.Actors.Session;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.Users;

public sealed class UserMessageExtractorSpecs
{
    private const string ExpectedShardOfAnn = "33";
    private readonly UserMessageExtractor _extractor = new(100);

    [Fact]
    public void A_user_message_goes_unchanged_to_the_entity_named_by_its_user_id()
    {
        var record = new RecordInteraction("ann", "s1", "install firefox");

        _extractor.EntityId(record).Should().Be("ann");
        _extractor.EntityMessage(record).Should().BeSameAs(record);
        _extractor.ShardId(record).Should().Be(_extractor.ShardId("ann"));
    }

    [Fact]
    public void Anything_else_has_no_entity()
    {
        _extractor.EntityId("hello").Should().BeNull();
        _extractor.ShardId("hello" as object).Should().BeNull();
    }

    [Fact]
    public void The_shard_of_a_user_is_the_same_in_every_process_and_within_the_number_of_shards()
    {
        // A literal: string.GetHashCode would differ per process, and nodes must agree on where a user lives.
        new UserMessageExtractor(100).ShardId("ann").Should().Be(ExpectedShardOfAnn);
        var shards = Enumerable.Range(0, 500).Select(i => int.Parse(_extractor.ShardId($"user{i}"), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        shards.Should().OnlyContain(shard => shard >= 0 && shard < 100);
        shards.Distinct().Should().HaveCountGreaterThan(90, "500 users spread over nearly all of the 100 shards");
    }
}
