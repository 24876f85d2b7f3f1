namespace NixHumanity.Actors.Contracts;

/// <summary>A component wrote its part of an export.</summary>
/// <param name="Component"><c>memory</c> or <c>learner</c>.</param>
/// <param name="Files">Relative path inside the component folder → description with row count.</param>
/// <param name="Counts">Counts to add to the manifest (e.g. <c>memories</c>).</param>
internal sealed record StoreExported(string Component, IReadOnlyDictionary<string, string> Files, IReadOnlyDictionary<string, long> Counts);
