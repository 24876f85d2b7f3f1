namespace NixHumanity.Soak;

/// <summary>
/// The soak run's arguments: <c>--data-dir D [--users N] [--minutes M] [--sample-seconds S] [--interval-ms I]
/// [--store-memory-mb L] [--duckdb-setting SQL]...</c>. <c>--interval-ms</c> paces each user: a record every I ms (a
/// person working steadily; 0, the default, records the next one as soon as the last is acknowledged, which outruns
/// the projections). <c>--store-memory-mb</c> is the product's <c>Projections.StoreMemoryLimitMegabytes</c> (the bound
/// of each shared DuckDB instance's buffer pool; 1,024 by default). Each <c>--duckdb-setting</c> (e.g.
/// <c>"SET wal_autocheckpoint = '1MB'"</c>) runs on every shared DuckDB instance of this run only.
/// </summary>
internal sealed record SoakOptions(
    string DataDirectory, int Users, double Minutes, double SampleSeconds, IReadOnlyList<string> DuckDbSettings,
    int IntervalMilliseconds = 0, int? StoreMemoryMegabytes = null)
{
    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        string? dataDirectory = null;
        var users = 100;
        var minutes = 30.0;
        var sampleSeconds = 10.0;
        var duckDbSettings = new List<string>();
        var intervalMilliseconds = 0;
        int? storeMemoryMegabytes = null;
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--data-dir": dataDirectory = value; break;
                case "--users": users = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--minutes": minutes = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--sample-seconds": sampleSeconds = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--duckdb-setting": duckDbSettings.Add(value); break;
                case "--interval-ms": intervalMilliseconds = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--store-memory-mb": storeMemoryMegabytes = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }

        return new SoakOptions(
            dataDirectory ?? throw new ArgumentException("--data-dir is required"), users, minutes, sampleSeconds, duckDbSettings,
            intervalMilliseconds, storeMemoryMegabytes);
    }
}
