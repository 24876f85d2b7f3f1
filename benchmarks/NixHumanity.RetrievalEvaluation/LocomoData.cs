using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NixHumanity.RetrievalEvaluation;

/// <summary>One dialogue turn of a LoCoMo conversation.</summary>
/// <param name="DiaId">The turn's id, e.g. <c>D1:3</c> (session 1, turn 3).</param>
/// <param name="Speaker">Who said it.</param>
/// <param name="Text">What was said.</param>
internal sealed record LocomoTurn(string DiaId, string Speaker, string Text)
{
    /// <summary>The memory text the evaluation records: the speaker's name and what they said.</summary>
    public string MemoryText => $"{Speaker}: {Text}";
}

/// <summary>One LoCoMo question.</summary>
/// <param name="Text">The question.</param>
/// <param name="Category">1–4 answerable kinds, 5 adversarial (the conversation does not answer it).</param>
/// <param name="Evidence">The ids of the turns that hold the answer (only ids of turns that exist; empty for category 5).</param>
internal sealed record LocomoQuestion(string Text, int Category, IReadOnlySet<string> Evidence);

/// <summary>One conversation: one person's memory and the questions asked of it.</summary>
internal sealed record LocomoConversation(string SampleId, IReadOnlyList<LocomoTurn> Turns, IReadOnlyList<LocomoQuestion> Questions);

/// <summary>How many questions the file has and which were left out, to reconcile the evaluated count.</summary>
/// <param name="AnswerableInFile">Questions of categories 1–4 in the file.</param>
/// <param name="WithoutEvidence">Of those, questions with no evidence at all.</param>
/// <param name="EvidenceNotFound">Of those, questions none of whose evidence ids names a turn of the conversation.</param>
/// <param name="RepairedEvidence">Evaluated questions that needed an evidence id split or a leading zero dropped.</param>
/// <param name="Adversarial">Questions of category 5.</param>
internal sealed record LocomoCounts(int AnswerableInFile, int WithoutEvidence, int EvidenceNotFound, int RepairedEvidence, int Adversarial)
{
    /// <summary>Answerable questions evaluated.</summary>
    public int Evaluated => AnswerableInFile - WithoutEvidence - EvidenceNotFound;
}

/// <summary>
/// Reads <c>locomo10.json</c> (LoCoMo, CC BY-NC 4.0: read from a path, never copied into the project).
/// Evidence ids are read leniently: an entry holding several ids ("D8:6; D9:17") is split, a leading zero
/// ("D30:05") is dropped, and ids naming no turn of the conversation are ignored; a question left without evidence
/// is not evaluated and is counted in <see cref="LocomoCounts"/>.
/// </summary>
internal static partial class LocomoData
{
    /// <summary>Loads every conversation of the file.</summary>
    public static (IReadOnlyList<LocomoConversation> Conversations, LocomoCounts Counts) Load(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var conversations = new List<LocomoConversation>();
        int answerable = 0, withoutEvidence = 0, notFound = 0, repaired = 0, adversarial = 0;
        foreach (var sample in document.RootElement.EnumerateArray())
        {
            var turns = ReadTurns(sample.GetProperty("conversation"));
            var turnIds = turns.Select(t => t.DiaId).ToHashSet(StringComparer.Ordinal);
            var questions = new List<LocomoQuestion>();
            foreach (var qa in sample.GetProperty("qa").EnumerateArray())
            {
                var category = qa.GetProperty("category").GetInt32();
                var rawEvidence = qa.TryGetProperty("evidence", out var e) ? e.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
                if (category == 5)
                {
                    adversarial++;
                    questions.Add(new LocomoQuestion(qa.GetProperty("question").GetString()!, category, new HashSet<string>()));
                    continue;
                }

                answerable++;
                var evidence = ParseEvidence(rawEvidence, turnIds, out var neededRepair);
                if (rawEvidence.Count == 0 || evidence.Count == 0)
                {
                    withoutEvidence += rawEvidence.Count == 0 ? 1 : 0;
                    notFound += rawEvidence.Count == 0 ? 0 : 1;
                    continue;
                }

                repaired += neededRepair ? 1 : 0;
                questions.Add(new LocomoQuestion(qa.GetProperty("question").GetString()!, category, evidence));
            }

            conversations.Add(new LocomoConversation(sample.GetProperty("sample_id").GetString()!, turns, questions));
        }

        return (conversations, new LocomoCounts(answerable, withoutEvidence, notFound, repaired, adversarial));
    }

    /// <summary>The evidence ids that name a turn in <paramref name="turnIds"/>, read leniently (see the class remarks).</summary>
    public static IReadOnlySet<string> ParseEvidence(IReadOnlyList<string> raw, IReadOnlySet<string> turnIds, out bool neededRepair)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        neededRepair = false;
        foreach (var entry in raw)
        {
            foreach (var token in entry.Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                var match = DiaIdPattern().Match(token);
                var id = match.Success
                    ? $"D{int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)}:{int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)}"
                    : token;
                if (turnIds.Contains(id))
                {
                    neededRepair |= id != entry;
                    found.Add(id);
                }
            }
        }

        return found;
    }

    private static List<LocomoTurn> ReadTurns(JsonElement conversation)
    {
        var turns = new List<LocomoTurn>();
        foreach (var property in conversation.EnumerateObject())
        {
            // Sessions are "session_N" arrays; "session_N_date_time" and the speaker names are strings.
            if (!property.Name.StartsWith("session_", StringComparison.Ordinal) || property.Value.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var turn in property.Value.EnumerateArray())
            {
                turns.Add(new LocomoTurn(
                    turn.GetProperty("dia_id").GetString()!,
                    turn.GetProperty("speaker").GetString()!,
                    turn.GetProperty("text").GetString()!));
            }
        }

        return turns;
    }

    [GeneratedRegex(@"^D0*(\d+):0*(\d+)$")]
    private static partial Regex DiaIdPattern();
}
