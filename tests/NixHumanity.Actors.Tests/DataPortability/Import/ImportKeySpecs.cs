using NixHumanity.Actors.Session;

namespace NixHumanity.Actors.Tests.DataPortability.Import;

public sealed class ImportKeySpecs
{
    [Fact]
    public void Keys_are_pinned_because_a_changed_scheme_would_import_every_file_again()
    {
        // Expected values computed independently (Python hashlib) over the documented length-prefixed layout.
        ImportKeys.For("sqlite", "interactions", "i1", null, "").Should().Be("f5dffc4fe2b67963ec0c01f4b6a29b65");
        ImportKeys.For("learning-json", "commandHistory", "\"2025-02-01T10:00:00Z\"", "install vim", "1").Should().Be("1acbbd0a0f2abc1f65222705b2ef9b47");
    }

    [Fact]
    public void Null_empty_and_shifted_parts_give_different_keys()
    {
        var keys = new[]
        {
            ImportKeys.For("a", null), ImportKeys.For("a", ""), ImportKeys.For("a", "b"), ImportKeys.For("ab"), ImportKeys.For("a", "b", null),
        };

        keys.Should().OnlyHaveUniqueItems().And.OnlyContain(k => ImportKeys.IsValid(k));
    }

    [Fact]
    public void The_snapshot_form_of_the_imported_keys_round_trips()
    {
        var keys = Enumerable.Range(0, 500).Select(i => ImportKeys.Compact(ImportKeys.For("row", i.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToList();
        var state = SessionState.Empty with { ImportedKeys = [.. keys] };

        var restored = SessionState.Empty with { ImportedKeyData = state.ImportedKeyData };

        state.ImportedKeyData!.Length.Should().Be((int)Math.Ceiling(500 * 8 / 3.0) * 4, "8 bytes per key, base64");
        restored.ImportedKeys.Should().BeEquivalentTo(keys);
        SessionState.Empty.ImportedKeyData.Should().BeNull("snapshots of people who never imported stay as they were");
    }
}
