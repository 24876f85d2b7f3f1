using Akka.Hosting;
using DuckDB.NET.Data;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Learning.Analytics;
using NixHumanity.Actors.Learning;
using NixHumanity.Actors.Session;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>The learner's part of an export: analytics tables and preference fragments in open formats.</summary>
public sealed class LearnerExportSpecs : IDisposable
{
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task An_export_holds_the_analytics_tables_as_parquet_and_every_preference_fragment()
    {
        await using var tree = ActorTree.Start(Path.Combine(_data.Path, "data"), o => o.FoldInterval = TimeSpan.FromHours(1));
        var client = new NixHumanityClient(new RequiredDirectory(tree.Directory), tree.Options, tree.System);
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 0; i < 5; i++)
        {
            await tree.RecordAsync("uma", $"install tool {i}", command: $"nix-env -iA nixpkgs.t{i}", at: at.AddMinutes(i));
        }

        await tree.AskAsync<BiometricsRecorded>(new RecordBiometrics("uma", [new BiometricSample(at, "uma", 0.5, 0.5, 0.5)]));
        var fold = await tree.AskAsync<FoldReport>(new FoldPreferences("uma"));

        var manifest = await client.ExportAsync("uma", Path.Combine(_data.Path, "export"));

        manifest.Files.Select(f => f.Path).Should().Contain(
            ["learner/interactions.parquet", "learner/command_attempts.parquet", "learner/events.parquet", "learner/biometrics.parquet",
             "learner/folds.parquet", "learner/transition_counts.parquet", $"learner/fragments/{fold.Fragment}"]);
        manifest.Counts["analyticsInteractions"].Should().Be(5);
        manifest.Counts["preferenceFragments"].Should().Be(1);
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        long Count(string relative)
        {
            using var command = duck.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM read_parquet('{Path.Combine(_data.Path, "export", relative)}')";
            return Convert.ToInt64(command.ExecuteScalar());
        }

        Count("learner/interactions.parquet").Should().Be(5);
        Count("learner/biometrics.parquet").Should().Be(1);
        Count($"learner/fragments/{fold.Fragment}").Should().Be(fold.Features);
    }

}
