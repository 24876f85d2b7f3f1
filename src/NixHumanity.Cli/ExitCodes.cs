namespace NixHumanity.Cli;

/// <summary>Process exit codes of <c>nixh</c> (listed in README's exit-code sentence).</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Success = 0;

    /// <summary>Anything not listed below (a bug, a store fault that is not a full disk).</summary>
    public const int Unexpected = 1;

    /// <summary>The input broke a rule (<c>field: rule</c>); nothing was done.</summary>
    public const int InvalidInput = 2;

    /// <summary>A component is restarting or broken (<c>unavailable: …</c>); nothing was done, retrying may succeed.</summary>
    public const int Unavailable = 3;

    /// <summary>A store could not be written because its disk is full (<c>disk full: PATH</c>); free space and retry.</summary>
    public const int DiskFull = 5;

    /// <summary>Another process owns the data directory and does not serve it (<c>data directory D is in use by …</c>).</summary>
    public const int DataDirectoryInUse = 6;
}
