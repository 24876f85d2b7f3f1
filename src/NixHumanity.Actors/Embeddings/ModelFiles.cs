using System.Security.Cryptography;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Actors.Embeddings;

/// <summary>Finding, hashing and (opt-in) downloading model files.</summary>
internal static class ModelFiles
{
    /// <summary>Name of the folder (beside the binaries or at the repository root) that holds model files.</summary>
    public const string ModelsFolderName = "models";

    /// <summary>
    /// Finds the folder of a model's tokenizer files: first <c>models/&lt;name&gt;</c> beside the binaries (the
    /// library copies it there on build), then <c>models/&lt;name&gt;</c> in each parent folder of
    /// <see cref="AppContext.BaseDirectory"/> (running from a source checkout).
    /// </summary>
    /// <param name="modelName">The model's folder name, e.g. <see cref="KnownModels.AllMiniLmL6V2"/>.</param>
    /// <param name="requiredFile">A file that must exist in the folder (default <c>vocab.txt</c>).</param>
    /// <returns>The full path of the folder.</returns>
    /// <exception cref="DirectoryNotFoundException">No candidate folder holds <paramref name="requiredFile"/>.</exception>
    public static string LocateModelFolder(string modelName = KnownModels.AllMiniLmL6V2, string requiredFile = "vocab.txt")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelName);
        var searched = new List<string>();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ModelsFolderName, modelName);
            searched.Add(candidate);
            if (File.Exists(Path.Combine(candidate, requiredFile)))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"Tokenizer files of '{modelName}' not found: no '{requiredFile}' in {string.Join(", ", searched)}. " +
            "Set TokenizerFolder in the embedder options to a folder holding vocab.txt.");
    }

    /// <summary>The largest ONNX model file accepted (protobuf, which holds the model, cannot exceed 2 GiB).</summary>
    internal const long MaxModelBytes = 2L * 1024 * 1024 * 1024;

    /// <summary>The largest word-vector file accepted (100k words of 100 dimensions take about 10 MB).</summary>
    internal const long MaxWordVectorBytes = 1L * 1024 * 1024 * 1024;

    /// <summary>The largest tokenizer vocabulary accepted (all-MiniLM-L6-v2's is 232 KB).</summary>
    internal const long MaxVocabularyBytes = 64L * 1024 * 1024;

    /// <summary>The largest package DLL accepted (the packaged model's is about 90 MB).</summary>
    internal const long MaxPackageBytes = 1L * 1024 * 1024 * 1024;

    /// <summary>
    /// Checks a model file named by the options before it is opened: it must be a regular file (a FIFO blocks in open
    /// for ever, <c>/dev/zero</c> never ends) of at most <paramref name="maxBytes"/>; else one <c>path: rule</c> line.
    /// </summary>
    /// <param name="path">The file (a symbolic link to a regular file is fine); its existence is the caller's to check.</param>
    /// <param name="maxBytes">The reader's cap.</param>
    /// <exception cref="InvalidDataException">Not a regular file, or larger than the cap.</exception>
    internal static void CheckModelFile(string path, long maxBytes)
    {
        if (InputFile.NonRegularKind(path) is not null || Directory.Exists(path))
        {
            throw new InvalidDataException($"{path}: must be a regular file (not a pipe, device or socket)");
        }

        var length = new FileInfo(path).Length;
        if (length > maxBytes)
        {
            throw new InvalidDataException($"{path}: must be at most {maxBytes:N0} bytes (is {length:N0})");
        }
    }

    /// <summary>Lower-case hex sha256 of a file's bytes.</summary>
    /// <param name="path">The file.</param>
    /// <returns>64 hex characters.</returns>
    public static string ComputeSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// Checks that <paramref name="path"/> hashes to <paramref name="expectedSha256"/>, or — when none is
    /// configured — to one of <paramref name="acceptedWhenUnconfigured"/>.
    /// </summary>
    /// <param name="path">The model file.</param>
    /// <param name="expectedSha256">The configured sha256 (hex, any case), or <see langword="null"/>.</param>
    /// <param name="acceptedWhenUnconfigured">Published hashes accepted when nothing is configured.</param>
    /// <returns>The actual sha256 (lower-case hex).</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelChecksumException">The hash does not match.</exception>
    public static string VerifySha256(string path, string? expectedSha256, IReadOnlyList<string> acceptedWhenUnconfigured)
    {
        ArgumentNullException.ThrowIfNull(acceptedWhenUnconfigured);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }

        CheckModelFile(path, MaxModelBytes);

        var actual = ComputeSha256(path);
        if (expectedSha256 is not null)
        {
            var expected = NormalizeSha256(expectedSha256);
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                throw new ModelChecksumException(path, $"sha256 {expected} (ExpectedSha256)", actual);
            }
        }
        else if (!acceptedWhenUnconfigured.Contains(actual, StringComparer.Ordinal))
        {
            throw new ModelChecksumException(path,
                $"one of the published sha256 values ({string.Join(", ", acceptedWhenUnconfigured)}) since ExpectedSha256 is not set",
                actual);
        }

        return actual;
    }

    /// <summary>Validates and lower-cases a sha256 hex string.</summary>
    /// <param name="sha256">64 hex characters.</param>
    /// <returns>The lower-case form.</returns>
    /// <exception cref="ArgumentException">Not 64 hex characters.</exception>
    public static string NormalizeSha256(string sha256)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        var trimmed = sha256.Trim();
        if (trimmed.Length != 64 || !trimmed.All(Uri.IsHexDigit))
        {
            throw new ArgumentException(
                $"ExpectedSha256 must be 64 hexadecimal characters, got '{sha256}' ({trimmed.Length} characters).",
                nameof(sha256));
        }

        return trimmed.ToLowerInvariant();
    }

    /// <summary>
    /// Downloads <paramref name="url"/> to <paramref name="path"/> via a temporary file, verifies the sha256 and
    /// only then moves it into place, so a failed or tampered download never leaves a file that looks valid.
    /// </summary>
    /// <param name="url">http(s) address of the model file.</param>
    /// <param name="path">Destination file.</param>
    /// <param name="expectedSha256">Configured sha256 or <see langword="null"/> to accept the published ones.</param>
    /// <param name="acceptedWhenUnconfigured">Published hashes accepted when nothing is configured.</param>
    /// <param name="timeout">Overall time limit of the download.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The sha256 of the downloaded file.</returns>
    /// <exception cref="ModelDownloadException">No network, HTTP error, timeout, or the bytes hash wrongly.</exception>
    public static async Task<string> DownloadAsync(
        Uri url, string path, string? expectedSha256, IReadOnlyList<string> acceptedWhenUnconfigured,
        TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"DownloadUrl must be an http or https address, got '{url}'.", nameof(url));
        }

        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var partial = full + ".partial";
        try
        {
            using var http = new HttpClient { Timeout = timeout };
            using (var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
            {
                response.EnsureSuccessStatusCode();
                await using var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using var target = File.Create(partial);
                await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
            }

            var actual = VerifySha256(partial, expectedSha256, acceptedWhenUnconfigured);
            File.Move(partial, full, overwrite: true);
            return actual;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or ModelChecksumException
                                   && !cancellationToken.IsCancellationRequested)
        {
            TryDelete(partial);
            var reason = ex is TaskCanceledException ? $"timed out after {timeout}" : ex.Message;
            throw new ModelDownloadException(
                $"Could not download the model from {url} to '{full}': {reason}. If this machine has no network, " +
                $"download the file elsewhere, copy it to '{full}' and make sure its sha256 matches " +
                $"{expectedSha256 ?? "one of the published values"}.", ex);
        }
        catch
        {
            TryDelete(partial);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover ".partial" file is never used as a model.
        }
    }
}
