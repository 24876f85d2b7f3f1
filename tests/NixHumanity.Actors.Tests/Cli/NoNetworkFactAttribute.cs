using System.Diagnostics;

namespace NixHumanity.Actors.Tests.Cli;

/// <summary>
/// A fact that needs <c>unshare --net</c> (a private network namespace, which needs root or user namespaces). Outside
/// CI a machine that cannot create one skips with the reason; in CI (<c>CI=true</c>) the test always runs, so the
/// no-network promise is checked on every landing.
/// </summary>
public sealed class NoNetworkFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> CanUnshare = new(() =>
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", "--net true") { RedirectStandardError = true, UseShellExecute = false })!;
            probe.WaitForExit(10_000);
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    public NoNetworkFactAttribute()
    {
        var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!inCi && !CanUnshare.Value)
        {
            Skip = "this machine cannot create a network namespace (unshare --net); CI runs it as root";
        }
    }
}
