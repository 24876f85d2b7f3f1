using Akka.Actor;
using Microsoft.Extensions.Time.Testing;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.DataPortability.Export;
using NixHumanity.Actors.DataPortability.Restore;
using NixHumanity.Actors.Tests.Support;
using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Tests.DataPortability.Export;

/// <summary>
/// Staging folders between nodes (docs/adr/0044, 0048) left by a caller that died mid-transfer: the node holding them
/// deletes every folder nobody has read or written for the idle limit, timed by an injected clock (virtual time here),
/// and keeps a folder still in use. Also the rules of a restore's chunk writes. Cluster mode's <c>/user/users</c> alone:
/// a probe stands in for the shard region.
/// </summary>
public sealed class StagingExpirySpecs : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);

    private readonly TempDataDirectory _data = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero));
    private readonly ExportStaging _staging;

    public StagingExpirySpecs()
        : base(SpecConfig.Hocon)
    {
        _staging = new ExportStaging(_data.Path, _clock, Idle);
    }

    public new void Dispose()
    {
        base.Dispose();
        _data.Dispose();
    }

    /// <summary>Starts the directory and waits until its start-up sweep (every staging folder of an earlier run) is done.</summary>
    private async Task<IActorRef> StartDirectoryAsync()
    {
        var earlier = Directory.CreateDirectory(Path.Combine(_staging.Root, ExportStaging.NewId())).FullName;
        var directory = Sys.ActorOf(ShardedUserDirectory.Props(
            CreateTestProbe("region").Ref, () => { }, TimeSpan.FromSeconds(30), _ => [], () => [], _staging, _clock));
        await Eventually.HoldsAsync(() => Directory.Exists(earlier).Should().BeFalse("the start-up sweep deletes an earlier run's staging"), TimeSpan.FromSeconds(60));
        return directory;
    }

    private void Advance(TimeSpan by)
    {
        // In steps of the sweep's period, as a clock running forward would fire it.
        for (var step = TimeSpan.Zero; step < by; step += Idle / 4)
        {
            _clock.Advance(Idle / 4);
        }
    }

    [Fact]
    public async Task A_staging_folder_nobody_touches_for_the_idle_limit_is_deleted_and_one_in_use_is_kept()
    {
        var directory = await StartDirectoryAsync();
        var abandonedExport = ExportStaging.NewId();
        var abandonedFolder = _staging.Create(abandonedExport);
        await File.WriteAllBytesAsync(Path.Combine(abandonedFolder, "memory.parquet"), new byte[100]);
        var restore = ExportStaging.NewId();
        var restoreFolder = _staging.Create(restore);

        Advance(Idle / 2);
        // The restore's caller is alive: it writes a chunk half-way through the limit.
        (await directory.Ask<object>(new WriteStagedRestore(restore, "events.jsonl", 0, [1, 2, 3]), TimeSpan.FromSeconds(30)))
            .Should().Be(new StagedRestoreWritten(restore, "events.jsonl", 3));
        Advance(Idle / 2);

        await Eventually.HoldsAsync(() => Directory.Exists(abandonedFolder).Should().BeFalse("nobody read the export's staging for the idle limit"), TimeSpan.FromSeconds(60));
        Directory.Exists(restoreFolder).Should().BeTrue("the restore's staging was written to half the limit ago");
        (await directory.Ask<object>(new ReadStagedExport(abandonedExport, "memory.parquet", 0), TimeSpan.FromSeconds(30)))
            .Should().BeOfType<CommandRejected>().Which.Message.Should().Contain("expired");

        Advance(Idle / 2);
        await Eventually.HoldsAsync(() => Directory.Exists(restoreFolder).Should().BeFalse("the restore's caller stopped writing a whole limit ago"), TimeSpan.FromSeconds(60));
        (await directory.Ask<object>(new WriteStagedRestore(restore, "events.jsonl", 3, [4]), TimeSpan.FromSeconds(30)))
            .Should().BeOfType<CommandRejected>().Which.Field.Should().Be("restore");
    }

    [Fact]
    public void A_restore_chunk_must_follow_the_last_one_and_stay_inside_its_staging_folder()
    {
        var restore = ExportStaging.NewId();
        var folder = _staging.Create(restore);

        _staging.Write(restore, "learner/biometrics.parquet", 0, [1, 2]).Should().Be(2);
        _staging.Write(restore, "learner/biometrics.parquet", 2, [3]).Should().Be(3);

        var twice = () => _staging.Write(restore, "learner/biometrics.parquet", 2, [3]);
        twice.Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be("offset");
        var outside = () => _staging.Write(restore, "../escape.jsonl", 0, [1]);
        outside.Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be("path");
        var large = () => _staging.Write(restore, "events.jsonl", 0, new byte[ExportStaging.ChunkBytes + 1]);
        large.Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be("data");
        var unknown = () => _staging.Write(ExportStaging.NewId(), "events.jsonl", 0, [1]);
        unknown.Should().Throw<InvalidInputException>().Which.Rejection.Field.Should().Be("restore");

        File.ReadAllBytes(Path.Combine(folder, "learner", "biometrics.parquet")).Should().Equal(1, 2, 3);
        Directory.GetFiles(_data.Path, "*", SearchOption.AllDirectories).Should().ContainSingle("a refused chunk writes nothing");
    }
}
