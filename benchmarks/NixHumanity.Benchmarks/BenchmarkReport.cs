namespace NixHumanity.Benchmarks;

/// <summary>Collects result rows and prints them as a markdown table for docs/benchmarks.md.</summary>
internal sealed class BenchmarkReport
{
    private readonly List<(string Metric, string Value, string Target, string Verdict)> _rows = [];

    public void Add(string metric, double value, string unit, string target, bool? met)
    {
        var verdict = met switch { true => "met", false => "missed", null => "—" };
        _rows.Add((metric, $"{value:0.###} {unit}", target, verdict));
        Console.Error.WriteLine($"  {metric}: {value:0.###} {unit} (target {target}: {verdict})");
    }

    public void Print()
    {
        Console.WriteLine("| metric | measured | target | |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var row in _rows)
        {
            Console.WriteLine($"| {row.Metric} | {row.Value} | {row.Target} | {row.Verdict} |");
        }
    }

    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
