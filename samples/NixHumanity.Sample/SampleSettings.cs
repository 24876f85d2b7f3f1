namespace NixHumanity.Sample;

/// <summary>Settings of the sample itself, bound like any options class.</summary>
internal sealed class SampleSettings
{
    /// <summary>The person the agent talks to.</summary>
    public string Person { get; set; } = "maya";
}
