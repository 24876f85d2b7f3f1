using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Faults;

/// <summary>
/// A fact that mounts a small tmpfs (<see cref="TmpfsMount"/>), which needs root. Outside CI a machine that cannot
/// mount skips with the reason; in CI (<c>CI=true</c>, run as root) the test always runs and fails if it cannot mount.
/// </summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> CanMount = new(TmpfsMount.CanMount);

    public TmpfsFactAttribute()
    {
        var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!inCi && !CanMount.Value)
        {
            Skip = "this process may not mount a tmpfs (not root, or mount not permitted); CI runs it as root";
        }
    }
}
