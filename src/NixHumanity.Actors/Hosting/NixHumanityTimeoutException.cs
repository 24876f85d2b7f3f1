namespace NixHumanity.Actors.Hosting;

/// <summary>
/// A user's tree did not answer within <see cref="NixHumanityOptions.AskTimeout"/>. A command may or may not have
/// been carried out (a record may be in the journal); reading the state tells. Derives from
/// <see cref="TimeoutException"/> so hosts need no Akka type to handle it.
/// </summary>
public sealed class NixHumanityTimeoutException : TimeoutException
{
    /// <summary>Creates the exception for a request of type <paramref name="request"/> that waited <paramref name="waited"/>.</summary>
    /// <param name="request">The request's type name (e.g. <c>RecordInteraction</c>).</param>
    /// <param name="waited">How long the client waited.</param>
    /// <param name="inner">The underlying timeout.</param>
    public NixHumanityTimeoutException(string request, TimeSpan waited, Exception? inner = null)
        : base($"No answer to {request} within {waited.TotalSeconds:0.#} s; the tree may be busy or starting. Retry, or raise AskTimeout.", inner)
    {
        Request = request;
        Waited = waited;
    }

    /// <summary>The request's type name.</summary>
    public string Request { get; }

    /// <summary>How long the client waited.</summary>
    public TimeSpan Waited { get; }
}
