namespace NixHumanity.Cli;

/// <summary>Process exit codes of <c>nixh</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Unexpected = 1;
    public const int InvalidInput = 2;
    public const int Unavailable = 3;
    public const int DataDirectoryInUse = 5;
}
