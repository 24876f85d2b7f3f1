using NixHumanity.Actors.Learning.Tensor;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Learning;

/// <summary>
/// The fragments' manifest at the store level: what a crash can leave (a fragment the manifest does not list yet,
/// fragments a consolidation had merged) and a folder from before manifests are adopted, not taken for damage; a
/// changed or missing fragment is.
/// </summary>
public sealed class FragmentManifestSpecs : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDataDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Fragments => Path.Combine(_temp.Path, ParquetTensorStore.FragmentsFolderName);

    private string Manifest => Path.Combine(_temp.Path, ParquetTensorStore.ManifestFileName);

    private static TensorCell C(int feature, float value) => new(1, feature, value);

    [Fact]
    public void A_fragment_written_just_before_a_crash_is_adopted_not_taken_for_damage()
    {
        IReadOnlyList<TensorValue> before;
        using (var store = ParquetTensorStore.Open(_temp.Path))
        {
            store.Write([C(0, 1f)], T0);
            var listedOnlyFirst = File.ReadAllText(Manifest);
            store.Write([C(0, 2f), C(1, 3f)], T0.AddMinutes(1));
            before = store.Read(T0.AddDays(1));
            File.WriteAllText(Manifest, listedOnlyFirst); // the crash came before the manifest was saved
        }

        using var reopened = ParquetTensorStore.Open(_temp.Path);
        reopened.Damage.Should().BeNull();
        reopened.Read(T0.AddDays(1)).Should().Equal(before);
        File.ReadAllText(Manifest).Should().Contain(reopened.ListFragments()[1].FileName, "the adopted fragment is listed now");
    }

    [Fact]
    public void Fragments_a_consolidation_had_merged_before_a_crash_are_adopted_and_reads_do_not_change()
    {
        string[] merged;
        IReadOnlyList<TensorValue> before;
        using (var store = ParquetTensorStore.Open(_temp.Path))
        {
            store.Write([C(0, 1f)], T0);
            store.Write([C(0, 2f)], T0.AddMinutes(1));
            merged = Directory.GetFiles(Fragments, "f-*.parquet");
            var copies = merged.ToDictionary(f => f, File.ReadAllBytes);
            store.Consolidate(T0.AddMinutes(1)).Should().NotBeNull();
            before = store.Read(T0.AddDays(1));
            foreach (var (file, bytes) in copies)
            {
                File.WriteAllBytes(file, bytes); // the crash came after the manifest was saved, before they were deleted
            }
        }

        using var reopened = ParquetTensorStore.Open(_temp.Path);
        reopened.Damage.Should().BeNull();
        reopened.ListFragments().Should().HaveCount(3);
        reopened.Read(T0.AddDays(1)).Should().Equal(before);
    }

    [Fact]
    public void A_folder_written_before_manifests_is_adopted_as_it_is()
    {
        using (var store = ParquetTensorStore.Open(_temp.Path))
        {
            store.Write([C(0, 1f)], T0);
            store.Write([C(1, 2f)], T0.AddMinutes(1));
        }

        File.Delete(Manifest);

        using var reopened = ParquetTensorStore.Open(_temp.Path);
        reopened.Damage.Should().BeNull();
        reopened.ListFragments().Should().HaveCount(2);
        File.Exists(Manifest).Should().BeTrue();
    }

    [Fact]
    public void A_changed_fragment_sets_the_folder_aside_and_opens_empty_with_the_damage_named()
    {
        string changed;
        using (var store = ParquetTensorStore.Open(_temp.Path))
        {
            store.Write([C(0, 1f)], T0);
            changed = store.Write([C(0, 2f)], T0.AddMinutes(1)).FileName;
        }

        var path = Path.Combine(Fragments, changed);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        using var reopened = ParquetTensorStore.Open(_temp.Path);
        reopened.Damage.Should().NotBeNull();
        reopened.Damage!.Problems.Should().ContainSingle().Which.Should().StartWith(changed + ": checksum mismatch");
        Directory.Exists(reopened.Damage.SetAsideAs).Should().BeTrue();
        reopened.ListFragments().Should().BeEmpty();
        reopened.Read(T0.AddDays(1)).Should().BeEmpty();
    }
}
