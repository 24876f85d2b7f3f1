namespace NixHumanity.Actors.Embeddings;

/// <summary>A model file exists but its sha256 is not the expected one (corrupt, truncated or another model).</summary>
public sealed class ModelChecksumException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file that was checked.</param>
    /// <param name="expected">The expected sha256 (or a description of the accepted set).</param>
    /// <param name="actual">The sha256 the file actually has.</param>
    public ModelChecksumException(string path, string expected, string actual)
        : base($"Model file '{path}' has sha256 {actual}, but {expected} was expected. The file is corrupt, " +
               "truncated or a different model: replace it, or correct ExpectedSha256 in the embedder options.")
    {
        FilePath = path;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The file that was checked.</summary>
    public string FilePath { get; }

    /// <summary>The expected sha256 (or the accepted set).</summary>
    public string Expected { get; }

    /// <summary>The sha256 the file has.</summary>
    public string Actual { get; }
}

/// <summary>An opt-in model download failed (no network, HTTP error, or the downloaded bytes had the wrong hash).</summary>
public sealed class ModelDownloadException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and what to do about it.</param>
    /// <param name="inner">The underlying error.</param>
    public ModelDownloadException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
