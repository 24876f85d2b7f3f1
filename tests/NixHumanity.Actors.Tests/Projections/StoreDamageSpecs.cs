using System.Runtime.InteropServices;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Memory.Store;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Projections;

/// <summary>
/// The store-damage matrix: each projection store damaged while the host is stopped, one way per case. On the next
/// start the damaged file is set aside under a name that says why and when (never deleted), the repair is reported (a
/// <see cref="StoreRepairReport"/>, shown by <c>stats</c>), the store is rebuilt from the journal, and the component
/// answers again after a bounded number of restarts (no endless loop).
/// </summary>
public sealed class StoreDamageSpecs : IDisposable
{
    private static readonly string[] Packages = ["vim", "git", "htop", "curl", "jq", "ripgrep", "fd", "bat"];

    private readonly TempDataDirectory _data = new();

    public enum Damage
    {
        /// <summary>Bytes that are no database at all.</summary>
        Garbage,

        /// <summary>The file cut in half (a crash while copying, a full disk).</summary>
        Truncated,

        /// <summary>A 0-byte file (what a full disk can leave behind).</summary>
        Empty,

        /// <summary>One data block's bytes changed: its checksum no longer matches.</summary>
        ChecksumCorrupt,

        /// <summary>A FIFO in place of the file: opening it would block the actor until someone writes into it.</summary>
        Fifo,
    }

    public void Dispose() => _data.Dispose();

    private string Folder(string component) => Path.Combine(_data.Path, "users", "ann", component);

    private async Task<long> RecordHistoryAsync()
    {
        await using var tree = ActorTree.Start(_data.Path);
        var last = 0L;
        foreach (var package in Packages)
        {
            last = (await tree.RecordAsync("ann", $"install {package}", command: $"nix-env -iA nixpkgs.{package}")).SequenceNr;
        }

        await tree.AskAsync<FoldReport>(new FoldPreferences("ann"));
        (await tree.AskAsync<ProjectionStatus>(new GetMemoryStatus("ann"))).LastSequenceNr.Should().Be(last);
        (await tree.AskAsync<AnalyticsCounts>(new GetAnalyticsCounts("ann"))).Checkpoint.Should().Be(last);
        return last;
    }

    private static void Apply(Damage damage, string file)
    {
        FoldWriteAheadLog(file);
        var bytes = File.ReadAllBytes(file);
        switch (damage)
        {
            case Damage.Garbage:
                File.WriteAllBytes(file, Enumerable.Range(0, 20_000).Select(i => (byte)(i * 7)).ToArray());
                break;
            case Damage.Truncated:
                File.WriteAllBytes(file, bytes[..(bytes.Length / 2)]);
                break;
            case Damage.Empty:
                File.WriteAllBytes(file, []);
                break;
            case Damage.Fifo:
                File.Delete(file);
                MakeFifo(file).Should().Be(0, "mkfifo must succeed under the test's temp folder");
                break;
            case Damage.ChecksumCorrupt:
                // DuckDB: three 4 KiB headers, then blocks that each start with their checksum; change every data
                // block's payload so whichever block is read first fails its checksum.
                for (var block = 12_288 + 64; block < bytes.Length; block += 4096)
                {
                    bytes[block] ^= 0x5A;
                }

                File.WriteAllBytes(file, bytes);
                break;
        }
    }

    /// <summary>
    /// Closing a store leaves its rows in the DuckDB write-ahead log (PerUserDuckDb); a store checkpointed when its user
    /// was passivated has them in the file. Folded in here, so the damage hits the file's rows as it would on such a
    /// store, and no log is left.
    /// </summary>
    private static void FoldWriteAheadLog(string file)
    {
        using (var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={file}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CHECKPOINT";
            command.ExecuteNonQuery();
        }

        if (File.Exists(file + ".wal"))
        {
            new FileInfo(file + ".wal").Length.Should().Be(0, "the checkpoint folded the log into the file");
            File.Delete(file + ".wal");
        }
    }

    /// <summary>Answers of <paramref name="ask"/> until one is not <see cref="TemporarilyUnavailable"/>: the damaged
    /// component may be restarting once; it must answer within the bound.</summary>
    private static async Task<T> AnswerAsync<T>(ActorTree tree, IUserMessage ask)
    {
        object reply = null!;
        await Eventually.HoldsAsync(async () =>
        {
            reply = await tree.AskAsync(ask);
            reply.Should().NotBeOfType<TemporarilyUnavailable>();
        });
        return reply.Should().BeOfType<T>().Subject;
    }

    [Theory]
    [InlineData(Damage.Garbage)]
    [InlineData(Damage.Truncated)]
    [InlineData(Damage.Empty)]
    [InlineData(Damage.ChecksumCorrupt)]
    [InlineData(Damage.Fifo)]
    public async Task A_damaged_memory_duckdb_is_set_aside_and_rebuilt_from_the_journal(Damage damage)
    {
        var last = await RecordHistoryAsync();
        Apply(damage, Path.Combine(Folder("memory"), VectorMemoryStore.FileName));

        await using var tree = ActorTree.Start(_data.Path);
        var status = await AnswerAsync<ProjectionStatus>(tree, new GetMemoryStatus("ann"));
        status.LastSequenceNr.Should().Be(last);
        status.Rows.Should().Be(Packages.Length);
        var found = await AnswerAsync<MemorySearched>(tree, new SearchMemory("ann", "install ripgrep", 1));
        found.Results.Single().Command.Should().Be("nix-env -iA nixpkgs.ripgrep");
        var aside = SetAside("memory", VectorMemoryStore.FileName).Should().ContainSingle().Which;
        aside.Should().MatchRegex(@"\.(unreadable|damaged)-\d{8}T\d{9}$");
        RepairReported("memory", VectorMemoryStore.FileName, aside);
    }

    [Theory]
    [InlineData(Damage.Garbage)]
    [InlineData(Damage.Truncated)]
    [InlineData(Damage.Empty)]
    [InlineData(Damage.ChecksumCorrupt)]
    [InlineData(Damage.Fifo)]
    public async Task A_damaged_analytics_duckdb_is_set_aside_and_rebuilt_from_the_journal(Damage damage)
    {
        var last = await RecordHistoryAsync();
        Apply(damage, Path.Combine(Folder("learner"), AnalyticsStore.FileName));

        await using var tree = ActorTree.Start(_data.Path);
        var counts = await AnswerAsync<AnalyticsCounts>(tree, new GetAnalyticsCounts("ann"));
        counts.Checkpoint.Should().Be(last);
        counts.Tables["interactions"].Should().Be(Packages.Length);
        var learning = await AnswerAsync<AnalyticsRows>(tree, new RunAnalyticsQuery("ann", "learning"));
        learning.Result.Rows.Should().NotBeEmpty();
        var aside = SetAside("learner", AnalyticsStore.FileName).Should().ContainSingle().Which;
        aside.Should().MatchRegex(@"\.(unreadable|damaged)-\d{8}T\d{9}$");
        RepairReported("learner", AnalyticsStore.FileName, aside);
    }

    [Theory]
    [InlineData(Damage.Garbage)]
    [InlineData(Damage.Fifo)]
    public async Task A_biometrics_duckdb_that_cannot_be_opened_is_set_aside_reported_and_the_learner_goes_on(Damage damage)
    {
        var last = await RecordHistoryAsync();
        Apply(damage, Path.Combine(Folder("learner"), BiometricSeries.FileName));

        await using var tree = ActorTree.Start(_data.Path);
        var counts = await AnswerAsync<AnalyticsCounts>(tree, new GetAnalyticsCounts("ann"));
        counts.Checkpoint.Should().Be(last);
        counts.Tables["biometrics"].Should().Be(0, "a new, empty biometrics store took its place");
        await tree.AskAsync<BiometricsRecorded>(new RecordBiometrics("ann", [new BiometricSample(DateTimeOffset.UtcNow.AddMinutes(-1), "ann", 0.5, 0.5, 0.5)]));
        var aside = SetAside("learner", BiometricSeries.FileName).Should().ContainSingle().Which;
        aside.Should().MatchRegex(@"\.unreadable-\d{8}T\d{9}$");
        var report = StoreRepairReports.ReadAll(new DataDirectory(_data.Path)).Should().ContainSingle().Which;
        report.Should().BeEquivalentTo(new { UserId = "ann", Component = "learner", Store = BiometricSeries.FileName, SetAsideAs = aside });
        report.Problems.Should().ContainSingle().Which.Should().StartWith(BiometricSeries.FileName + ": " + (damage == Damage.Fifo ? "a pipe (FIFO)" : "unreadable"));
        report.Rebuilt.Should().Contain("restoring an export");
    }

    /// <summary>One store-repair report for the file, naming it, where it went and that it was rebuilt, as stats reads it.</summary>
    private void RepairReported(string component, string file, string aside)
    {
        var report = StoreRepairReports.ReadAll(new DataDirectory(_data.Path)).Should().ContainSingle().Which;
        report.UserId.Should().Be("ann");
        report.Component.Should().Be(component);
        report.Store.Should().Be(file);
        report.Problems.Should().ContainSingle().Which.Should().StartWith(file + ": ");
        report.SetAsideAs.Should().Be(aside);
        report.Rebuilt.Should().Contain("journal");
        Directory.GetFiles(Folder(component), "store-repair-*.json").Should().ContainSingle();
    }

    [Fact]
    public async Task An_unreadable_preferences_file_is_set_aside_and_search_goes_on()
    {
        await RecordHistoryAsync();
        var preferences = Path.Combine(Folder("memory"), MemoryActor.PreferencesFileName);
        File.Exists(preferences).Should().BeTrue("the fold sent the memory its preferences");
        File.WriteAllText(preferences, "{\"direction\": [1, 2,");

        await using var tree = ActorTree.Start(_data.Path);
        var found = await tree.AskAsync<MemorySearched>(new SearchMemory("ann", "install ripgrep", 1));
        found.Results.Single().Command.Should().Be("nix-env -iA nixpkgs.ripgrep");
        var aside = SetAside("memory", MemoryActor.PreferencesFileName).Should().ContainSingle().Which;
        aside.Should().Contain(".unreadable-");
        File.Exists(preferences).Should().BeFalse("the learner's next fold writes new preferences");
        var report = StoreRepairReports.ReadAll(new DataDirectory(_data.Path)).Should().ContainSingle().Which;
        report.Should().BeEquivalentTo(new { UserId = "ann", Component = "memory", Store = MemoryActor.PreferencesFileName, SetAsideAs = aside });
        report.Problems.Should().ContainSingle().Which.Should().StartWith(MemoryActor.PreferencesFileName + ": unreadable (");
    }

    private string[] SetAside(string component, string file) =>
        Directory.GetFiles(Folder(component), file + ".*")
            .Where(f => Path.GetFileName(f) != file && !f.EndsWith(".wal", StringComparison.Ordinal))
            .ToArray();

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode = 0b110_000_000);
}
