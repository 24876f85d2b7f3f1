using System.Diagnostics;
using System.Globalization;
using NixHumanity.Actors.Memory.Store;

namespace NixHumanity.RetrievalBenchmarks;

/// <summary>
/// Times deriving <see cref="LexicalChannels"/> (word and 3-gram BM25) from N short memories — the cost the first
/// text search pays after a store opens — and then text queries against it. Best of three builds.
/// </summary>
internal static class LexicalBuild
{
    private static readonly string[] _verbs = ["install", "remove", "update", "restart", "enable", "configure", "search", "list", "fix", "open"];
    private static readonly string[] _things = ["firefox", "vlc", "python", "docker", "wifi", "bluetooth", "printer", "sound", "steam", "git", "vim", "zoom", "gimp", "kernel", "nvidia"];
    private static readonly string[] _fillers = ["please", "again", "quickly", "for my grandson", "on the laptop", "it stopped working", "like yesterday", "the new one"];

    /// <summary>N distinct short requests and their commands ("install firefox12 on the laptop").</summary>
    public static List<(string Text, string Command)> Texts(int count, Random random)
    {
        var texts = new List<(string, string)>(count);
        for (var i = 0; i < count; i++)
        {
            var thing = _things[random.Next(_things.Length)] + (i % 7 == 0 ? "" : i.ToString(CultureInfo.InvariantCulture));
            texts.Add(($"{_verbs[random.Next(_verbs.Length)]} {thing} {_fillers[random.Next(_fillers.Length)]}", $"nix-env -iA nixpkgs.{thing}"));
        }

        return texts;
    }

    public static void Run(int documents)
    {
        var entries = Texts(documents, new Random(11))
            .Select((m, i) => MemoryEntry.Create(VectorMemoryStore.IdFor(m.Command), i, new MemoryRecord(m.Command, m.Text, [1f], "bench", DateTimeOffset.UnixEpoch, true), i + 1))
            .ToList();

        var builds = new List<double>();
        LexicalChannels? channels = null;
        for (var pass = 0; pass < 3; pass++)
        {
            var watch = Stopwatch.StartNew();
            channels = new LexicalChannels();
            foreach (var entry in entries)
            {
                channels.Set(entry.Ord, null, entry);
            }

            builds.Add(watch.Elapsed.TotalMilliseconds);
        }

        var tokenise = System.Diagnostics.Stopwatch.StartNew();
        var grams = 0;
        foreach (var entry in entries)
        {
            grams += MemoryTokens.Trigrams(MemoryTokens.Words(entry.Text, entry.Command)).Count;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tokenising alone: {tokenise.Elapsed.TotalMilliseconds:F0} ms ({grams:N0} 3-grams)"));
        var options = new VectorMemoryStoreOptions();
        string[] queries = ["instal fierfox", "sound stopped working", "restart docker again", "python on the laptop", "update nvidia kernel"];
        var queryWatch = Stopwatch.StartNew();
        const int rounds = 20;
        for (var r = 0; r < rounds; r++)
        {
            foreach (var query in queries)
            {
                channels!.Score(query, null, options);
            }
        }

        var perQuery = queryWatch.Elapsed.TotalMilliseconds / (rounds * queries.Length);
        var memory = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"| documents | build (best of 3) | builds | text query (both channels) | managed heap after |");
        Console.WriteLine($"|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {documents:N0} | {builds.Min():F0} ms | {string.Join(" / ", builds.Select(b => b.ToString("F0", CultureInfo.InvariantCulture)))} ms | {perQuery:F2} ms | {memory / 1e6:F0} MB |"));
        GC.KeepAlive(channels);
    }
}
