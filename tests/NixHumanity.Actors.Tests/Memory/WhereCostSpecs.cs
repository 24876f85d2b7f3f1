using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.Actors.Tests.Memory;

public sealed class WhereCostSpecs : IDisposable
{
    private readonly TempStoreFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("text LIKE '%a%b%c%d%e%f%z%'")]
    [InlineData("text LIKE '_%z'")]
    [InlineData("text ILIKE '%_z'")]
    public void The_costliest_allowed_patterns_are_answered_over_the_longest_texts(string where)
    {
        // Not a timing test: before the rule, a pattern like '_%_%_%_%b' over such texts never returned, so this
        // spec would hang; the allowed shapes are matched in linear time.
        using var store = VectorMemoryStore.Open(_folder.StorePath);
        var longText = string.Concat(Enumerable.Repeat("abc def ghi jkl mno pqr ", 170));
        store.Upsert(Enumerable.Range(1, 200)
            .Select(i => ((long)i, TestVectors.Record($"command {i}", TestVectors.Basis(i % 300), text: $"{longText}{i}")))
            .ToList());

        store.Search(TestVectors.Basis(1), 5, where: where).Results.Should().BeEmpty("no text contains a 'z'");
    }
}
