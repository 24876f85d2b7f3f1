using Parquet.Serialization;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>Writes plain row classes to a Parquet file (Parquet.Net's class serializer; no DuckDB connection needed).</summary>
internal static class ParquetFile
{
    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/>, creating its folder.</summary>
    public static async Task WriteAsync<T>(IReadOnlyCollection<T> rows, string path, CancellationToken cancellationToken = default)
        where T : class, new()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var stream = File.Create(path);
        await ParquetSerializer.SerializeAsync(rows, stream, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a file written by <see cref="WriteAsync{T}"/> back.</summary>
    public static async Task<IReadOnlyList<T>> ReadAsync<T>(string path, CancellationToken cancellationToken = default)
        where T : class, new()
    {
        await using var stream = File.OpenRead(path);
        var result = await ParquetSerializer.DeserializeAsync<T>(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. result.Data];
    }
}
