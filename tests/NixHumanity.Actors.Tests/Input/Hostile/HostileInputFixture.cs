using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Input.Hostile;

/// <summary>
/// The data directory the hostile cases run against (rose with two interactions, a notification and an export) and
/// what must be true of it after every case: its files, and what <c>status</c> and <c>stats</c> print.
/// </summary>
public sealed class HostileInputFixture : IAsyncLifetime
{
    /// <summary>A bound only a hang reaches; a case's time is measured by its end, not by this.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);

    private readonly TempDataDirectory _temp = new();

    public string DataDir => _temp.File("data");

    public string Files => _temp.File("files");

    public IReadOnlyList<string> Snapshot { get; private set; } = [];

    public string Status { get; private set; } = "";

    public string Stats { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Succeed("record", "--user", "rose", "--session", "s", "--text", "install vlc", "--command", "nix-env -iA nixpkgs.vlc", "--outcome", "success", "--flow-score", "0.6");
        await Succeed("record", "--user", "rose", "--session", "s", "--text", "install ripgrep", "--command", "nix-env -iA nixpkgs.ripgrep", "--outcome", "success");
        await Succeed("notify", "--user", "rose", "--source", "system-update");
        var export = Path.Combine(Files, "export-rose");
        await Succeed("export", "--user", "rose", "--out", export);
        HostileFiles.WriteAll(Files, export);

        // The stores grow once or twice as they are reopened (DuckDB allocates blocks on checkpoint); the baseline is
        // taken once two rounds of reading in a row leave every size as it was.
        for (var round = 0; round < 6 && !Snapshot.SequenceEqual(DataDirectorySnapshot.Of(DataDir)); round++)
        {
            Snapshot = DataDirectorySnapshot.Of(DataDir);
            (Status, Stats) = await StatusAndStatsAsync();
        }

        DataDirectorySnapshot.Of(DataDir).Should().Equal(Snapshot, "reading a known user settles its stores' sizes");
    }

    /// <summary>What <c>status --user rose</c> and <c>stats</c> print now.</summary>
    public async Task<(string Status, string Stats)> StatusAndStatsAsync() =>
        ((await Succeed("status", "--user", "rose")).StdOut, (await Succeed("stats")).StdOut);

    /// <summary>Runs nixh in-process on the suite's data directory with the n-gram embedder and <c>--json</c>.</summary>
    public Task<InProcessNixh.Result> RunAsync(IEnumerable<string> args)
    {
        var expanded = args.Select(a => a.Replace("{data}", DataDir, StringComparison.Ordinal).Replace("{files}", Files, StringComparison.Ordinal)).ToList();
        if (!expanded.Contains("--data-dir"))
        {
            expanded.AddRange(["--data-dir", DataDir]);
        }

        if (!expanded.Contains("--embedder"))
        {
            expanded.AddRange(["--embedder", "ngram"]);
        }

        return InProcessNixh.RunAsync(Budget, [.. expanded, "--json"]);
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    private async Task<InProcessNixh.Result> Succeed(params string[] args)
    {
        var result = await RunAsync(args);
        result.ExitCode.Should().Be(0, result.StdErr);
        return result;
    }
}
