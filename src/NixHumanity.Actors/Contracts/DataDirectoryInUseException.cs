namespace NixHumanity.Actors.Contracts;

/// <summary>
/// Another process (or another host in this one) owns the data directory: one writer per data directory, so this one
/// does not open it. The message names the holder so a person knows what to stop.
/// </summary>
/// <param name="dataDirectory">The data directory.</param>
/// <param name="holderPid">The holder's process id, when it could be read.</param>
/// <param name="holderCommand">The holder's command line, when it could be read.</param>
public sealed class DataDirectoryInUseException(string dataDirectory, int? holderPid, string? holderCommand)
    : IOException($"data directory {dataDirectory} is in use by {Describe(holderPid, holderCommand)}; one process owns it at a time")
{
    /// <summary>The data directory.</summary>
    public string DataDirectory { get; } = dataDirectory;

    /// <summary>The holder's process id, when it could be read.</summary>
    public int? HolderPid { get; } = holderPid;

    /// <summary>The holder's command line, when it could be read.</summary>
    public string? HolderCommand { get; } = holderCommand;

    private static string Describe(int? pid, string? command) => (pid, command) switch
    {
        ({ } p, { Length: > 0 } c) => $"process {p} ({c})",
        ({ } p, _) => $"process {p}",
        // The holder writes its name just after taking the lock; a contender can arrive in between.
        _ => "another process",
    };
}
