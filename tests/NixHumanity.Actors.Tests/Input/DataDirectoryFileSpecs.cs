using System.Runtime.InteropServices;
using NixHumanity.Actors.Embeddings;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Memory;
using NixHumanity.Actors.Projections;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Input;

/// <summary>
/// The files the data directory holds for itself (the memory's cached <c>preferences.json</c>, a store's
/// <c>journal-origin</c>, journal-loss reports, the lock's holder) are checked before they are opened: a FIFO, a link to
/// <c>/dev/zero</c> or a folder planted there is ignored or set aside at once, never read (a FIFO blocks in open).
/// </summary>
public sealed class DataDirectoryFileSpecs : IDisposable
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(1);
    private readonly TempDataDirectory _data = new();

    public void Dispose() => _data.Dispose();

    public static TheoryData<string> Plants => ["fifo", "dev-zero", "folder"];

    [Theory]
    [MemberData(nameof(Plants))]
    public async Task A_preferences_file_that_is_not_a_regular_file_is_set_aside_unread_and_reported(string plant)
    {
        var data = new DataDirectory(_data.File("data"));
        var folder = Path.Combine(data.UsersFolder, "rose", "memory");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, MemoryActor.PreferencesFileName);
        Plant(plant, path);
        var warnings = new List<string>();
        var file = new PreferencesFile("rose", folder, new HashedNGramEmbedder(), TimeProvider.System, warnings.Add);

        var loaded = await Task.Run(file.Load).WaitAsync(Budget);

        loaded.Should().BeNull();
        Path.Exists(path).Should().BeFalse("it was moved out of the way");
        var aside = Directory.GetFileSystemEntries(folder, MemoryActor.PreferencesFileName + ".unreadable-*").Should().ContainSingle().Subject;
        warnings.Should().ContainSingle().Which.Should().Contain("not a regular file");
        var report = StoreRepairReports.ReadAll(data).Should().ContainSingle().Subject;
        report.Should().BeEquivalentTo(new { UserId = "rose", Component = "memory", Store = MemoryActor.PreferencesFileName, SetAsideAs = aside });
        report.Problems.Should().ContainSingle().Which.Should().Contain(plant switch
        {
            "fifo" => "a pipe (FIFO)",
            "dev-zero" => "a character device",
            _ => "a folder",
        });
    }

    [Fact]
    public void An_unreadable_preferences_file_is_set_aside_and_reported()
    {
        var data = new DataDirectory(_data.File("data"));
        var folder = Path.Combine(data.UsersFolder, "rose", "memory");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, MemoryActor.PreferencesFileName), "{\"direction\": [1, 2,");
        var file = new PreferencesFile("rose", folder, new HashedNGramEmbedder(), TimeProvider.System, _ => { });

        file.Load().Should().BeNull();

        var report = StoreRepairReports.ReadAll(data).Should().ContainSingle().Subject;
        report.Store.Should().Be(MemoryActor.PreferencesFileName);
        report.Problems.Should().ContainSingle().Which.Should().StartWith("preferences.json: unreadable (");
        report.Rebuilt.Should().Contain("next fold");
        File.Exists(report.SetAsideAs).Should().BeTrue("the damaged copy is kept");
    }

    [Theory]
    [MemberData(nameof(Plants))]
    public async Task A_journal_origin_or_report_that_is_not_a_regular_file_is_not_read(string plant)
    {
        var data = new DataDirectory(_data.File("data"));
        var folder = Path.Combine(data.UsersFolder, "rose", "memory");
        Directory.CreateDirectory(folder);
        Plant(plant, Path.Combine(folder, JournalOrigin.FileName));
        Plant(plant, Path.Combine(folder, "journal-loss-planted.json"));
        Plant(plant, Path.Combine(folder, "store-repair-planted.json"));

        var origin = await Task.Run(() => JournalOrigin.Read(folder)).WaitAsync(Budget);
        var reports = await Task.Run(() => JournalLossReports.ReadAll(data)).WaitAsync(Budget);
        var repairs = await Task.Run(() => StoreRepairReports.ReadAll(data)).WaitAsync(Budget);

        origin.Should().BeNull();
        reports.Should().BeEmpty();
        repairs.Should().BeEmpty();
        if (plant != "folder")
        {
            JournalOrigin.Write(folder, "journal-1");
            JournalOrigin.Read(folder).Should().Be("journal-1", "the identity is renamed over what was planted");
        }
    }

    private static void Plant(string plant, string path)
    {
        switch (plant)
        {
            case "fifo":
                MakeFifo(path).Should().Be(0);
                break;
            case "dev-zero":
                File.CreateSymbolicLink(path, "/dev/zero");
                break;
            default:
                Directory.CreateDirectory(path);
                break;
        }
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode = 0b110_000_000);
}
