using System.Text.Json.Serialization;
using System.Text.Json;
using NixHumanity.Actors.Embeddings;

namespace NixHumanity.Actors.Tests.Embeddings;

/// <summary>
/// The labelled semantic-quality set (nixos-requests.json) and its top-k retrieval evaluation. Also compiled into
/// tools/EmbedderQuality so the word-vector embedder is measured with exactly the same code.
/// </summary>
internal sealed record QualitySet(
    [property: JsonPropertyName("commands")] IReadOnlyList<QualityCommand> Commands,
    [property: JsonPropertyName("queries")] IReadOnlyList<QualityQuery> Queries)
{
    public static QualitySet Load(string path)
    {
        var set = JsonSerializer.Deserialize<QualitySet>(File.ReadAllText(path))
                  ?? throw new InvalidDataException($"'{path}' is empty.");
        var ids = set.Commands.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        if (ids.Count != set.Commands.Count)
        {
            throw new InvalidDataException($"'{path}' has duplicate command ids.");
        }

        var unknown = set.Queries.Where(q => !ids.Contains(q.Expected)).Select(q => q.Expected).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException($"'{path}' has queries expecting unknown command ids: {string.Join(", ", unknown)}.");
        }

        return set;
    }

    /// <summary>Ranks all commands for every query by cosine similarity and scores top-1 and top-3.</summary>
    public QualityResult Evaluate(IEmbedder embedder)
    {
        // A command is represented by its description and the command itself ("… nix-env -iA nixpkgs.firefox").
        var commandVectors = embedder.EmbedBatch(Commands.Select(c => c.Description + " " + c.Command).ToList());
        var queryVectors = embedder.EmbedBatch(Queries.Select(q => q.Text).ToList());
        var top1 = 0;
        var top3 = 0;
        var misses = new List<string>();
        for (var q = 0; q < Queries.Count; q++)
        {
            var ranked = Enumerable.Range(0, Commands.Count)
                .Select(c => (Id: Commands[c].Id, Score: VectorMath.Dot(queryVectors[q], commandVectors[c])))
                .OrderByDescending(x => x.Score)
                .ThenBy(x => x.Id, StringComparer.Ordinal)
                .Take(3)
                .ToList();
            var rank = ranked.FindIndex(x => x.Id == Queries[q].Expected);
            if (rank == 0)
            {
                top1++;
            }

            if (rank is >= 0 and < 3)
            {
                top3++;
            }
            else
            {
                misses.Add($"'{Queries[q].Text}' → expected {Queries[q].Expected}, got {string.Join(", ", ranked.Select(r => $"{r.Id} ({r.Score:0.00})"))}");
            }
        }

        return new QualityResult(embedder.Id, Queries.Count, Commands.Count, (double)top1 / Queries.Count, (double)top3 / Queries.Count, misses);
    }
}

internal sealed record QualityCommand(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("description")] string Description);

internal sealed record QualityQuery(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("expected")] string Expected);

internal sealed record QualityResult(string EmbedderId, int Queries, int Commands, double Top1, double Top3, IReadOnlyList<string> Top3Misses)
{
    public override string ToString() =>
        $"{EmbedderId}: top-1 {Top1:P1}, top-3 {Top3:P1} over {Queries} queries and {Commands} commands";
}
