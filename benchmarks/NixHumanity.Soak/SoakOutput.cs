namespace NixHumanity.Soak;

/// <summary>Whole lines to stdout, one writer at a time, flushed at once: a SIGKILL never hides a printed ack.</summary>
internal sealed class SoakOutput(TextWriter writer)
{
    private readonly Lock _gate = new();

    public void Line(string line)
    {
        lock (_gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }
}
