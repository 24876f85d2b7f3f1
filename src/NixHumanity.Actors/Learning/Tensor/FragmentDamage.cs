namespace NixHumanity.Actors.Learning.Tensor;

/// <summary>What <see cref="ParquetTensorStore.Open(string, TimeProvider)"/> found wrong with the fragments folder.</summary>
/// <param name="Problems">One line per file: <c>&lt;file&gt;: missing</c>, a size or checksum mismatch, or <c>unreadable (…)</c>.</param>
/// <param name="SetAsideAs">Where the folder was moved (<c>fragments.damaged-&lt;time&gt;</c>).</param>
internal sealed record FragmentDamage(IReadOnlyList<string> Problems, string? SetAsideAs);
