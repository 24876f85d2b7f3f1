using NixHumanity.Actors.Users;

namespace NixHumanity.Actors.Export;

/// <summary>
/// Asks the memory actor to write its store into <paramref name="Folder"/> as Parquet (only the owner reads its
/// store). Replied to with <see cref="StoreExported"/>.
/// </summary>
/// <param name="UserId">The person.</param>
/// <param name="Folder">An existing folder of the export.</param>
public sealed record ExportMemory(string UserId, string Folder) : IMemoryMessage;

/// <summary>A component wrote its part of an export.</summary>
/// <param name="Component"><c>memory</c> or <c>learner</c>.</param>
/// <param name="Files">Relative path inside the component folder → description with row count.</param>
/// <param name="Counts">Counts to add to the manifest (e.g. <c>memories</c>).</param>
public sealed record StoreExported(string Component, IReadOnlyDictionary<string, string> Files, IReadOnlyDictionary<string, long> Counts);
