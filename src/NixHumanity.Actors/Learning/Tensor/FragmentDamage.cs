namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>What <see cref="ParquetTensorStore.Open(string, TimeProvider, PreferenceLayout, string)"/> found wrong with the fragments folder.</summary>
/// <param name="Problems">One line per file: <c>&lt;file&gt;: missing</c>, a size or checksum mismatch, or <c>unreadable (…)</c>.</param>
/// <param name="SetAsideAs">Where the folder was moved (<c>fragments.damaged-&lt;time&gt;</c>, or
/// <c>fragments.relaid-&lt;time&gt;</c> for another layout).</param>
/// <param name="LayoutChanged">Nothing was damaged: the fragments were laid out for another embedder dimension
/// (<see cref="FragmentManifest.DirectionDimensions"/>) and are rebuilt in the new layout.</param>
internal sealed record FragmentDamage(IReadOnlyList<string> Problems, string? SetAsideAs, bool LayoutChanged = false);
