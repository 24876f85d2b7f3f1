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

        var unknown = set.Queries.SelectMany(q => q.AnswerIds).Where(id => !ids.Contains(id)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException($"'{path}' has queries expecting unknown command ids: {string.Join(", ", unknown)}.");
        }

        return set;
    }

    /// <summary>The commands and requests of one round (1 = the original 42 commands and 81 requests, on which the n-gram floors were measured).</summary>
    public QualitySet Round(int round) =>
        new(Commands.Where(c => c.Round == round).ToList(), Queries.Where(q => q.Round == round).ToList());

    /// <summary>The requests that some command answers (out-of-domain requests excluded).</summary>
    public IReadOnlyList<QualityQuery> Answerable => Queries.Where(q => q.Expected is not null).ToList();

    /// <summary>
    /// Ranks all commands for every answerable query by cosine similarity and scores top-1 and top-3 against the
    /// expected command (the original metric; <see cref="QualityQuery.Accepted"/> is for the retrieval evaluation).
    /// </summary>
    public QualityResult Evaluate(IEmbedder embedder)
    {
        var queries = Answerable;
        // A command is represented by its description and the command itself ("… nix-env -iA nixpkgs.firefox").
        var commandVectors = embedder.EmbedBatch(Commands.Select(c => c.Description + " " + c.Command).ToList());
        var queryVectors = embedder.EmbedBatch(queries.Select(q => q.Text).ToList());
        var top1 = 0;
        var top3 = 0;
        var misses = new List<string>();
        for (var q = 0; q < queries.Count; q++)
        {
            var ranked = Enumerable.Range(0, Commands.Count)
                .Select(c => (Id: Commands[c].Id, Score: VectorMath.Dot(queryVectors[q], commandVectors[c])))
                .OrderByDescending(x => x.Score)
                .ThenBy(x => x.Id, StringComparer.Ordinal)
                .Take(3)
                .ToList();
            var rank = ranked.FindIndex(x => x.Id == queries[q].Expected);
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
                misses.Add($"'{queries[q].Text}' → expected {queries[q].Expected}, got {string.Join(", ", ranked.Select(r => $"{r.Id} ({r.Score:0.00})"))}");
            }
        }

        return new QualityResult(embedder.Id, queries.Count, Commands.Count, (double)top1 / queries.Count, (double)top3 / queries.Count, misses);
    }
}

/// <summary>A remembered interaction: the command, a description, and what the person said when it was recorded.</summary>
internal sealed record QualityCommand(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("said")] string Said,
    [property: JsonPropertyName("round")] int Round);

/// <summary>
/// A request, the command it should retrieve (null for an out-of-domain request nothing answers), other commands
/// that also answer it when it is ambiguous, and its kind (direct, voice, typo, paraphrase, keyword, out-of-domain).
/// </summary>
internal sealed record QualityQuery(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("expected")] string? Expected,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("round")] int Round,
    [property: JsonPropertyName("accepted")] IReadOnlyList<string>? Accepted = null)
{
    /// <summary>Every command id that answers this request (empty for out-of-domain requests).</summary>
    public IReadOnlyList<string> AnswerIds =>
        Expected is null ? [] : [Expected, .. Accepted ?? []];
}

internal sealed record QualityResult(string EmbedderId, int Queries, int Commands, double Top1, double Top3, IReadOnlyList<string> Top3Misses)
{
    public override string ToString() =>
        $"{EmbedderId}: top-1 {Top1:P1}, top-3 {Top3:P1} over {Queries} queries and {Commands} commands";
}
