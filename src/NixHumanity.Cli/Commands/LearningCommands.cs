using System.CommandLine;
using NixHumanity.Cli.Serve;
using System.Globalization;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Learning.Analytics;

namespace NixHumanity.Cli.Commands;

/// <summary>
/// The learner's verbs: <c>query</c>, <c>preferences</c>, <c>fold</c>, <c>suggest</c> and <c>record-biometrics</c>.
/// Inputs are checked before anything is asked of the actor tree, with the same field/rule messages.
/// </summary>
internal static class LearningCommands
{
    public static IEnumerable<Command> Create() => [Query(), Preferences(), Fold(), Suggest(), RecordBiometrics()];

    private static Command Query()
    {
        var name = new Argument<string>("query") { Description = "flow | learning | interruptions" };
        var user = new Option<string?>("--user")
        {
            Description = "Only this user (default: every user under <data-dir>/users; flow rows are merged per user, other queries get a user_id column)",
            HelpName = "U",
        };
        var verb = new Command("query", "Run one of the analytics queries (flow sessions, weekly learning curve, interruptions)") { name, user };
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "query", async host =>
        {
            var queryName = parse.GetRequiredValue(name);
            var userId = parse.GetValue(user);
            if (userId is not null && InputRules.Id("userId", userId) is { } badUser)
            {
                throw new InvalidInputException(badUser);
            }

            var result = await host.Client.QueryAsync(userId, queryName, cancellationToken);
            var label = result.Query.ToString().ToLowerInvariant();
            return new Tabular(new { query = label, rows = result.Rows }, result.Columns, result.Rows);
        }));
        return verb;
    }

    private static Command Preferences()
    {
        var user = CommonOptions.User();
        var asOf = new Option<string?>("--as-of") { Description = "Read the preferences as they were at this ISO-8601 time (default: now)", HelpName = "ISO-8601" };
        var features = new Option<string?>("--features") { Description = "Only features A..B (within 0..767)", HelpName = "A..B" };
        var verb = new Command("preferences", "Show a user's preference tensor as of a time (time travel), optionally a feature slice") { user, asOf, features };
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "preferences", async host =>
        {
            var asOfText = parse.GetValue(asOf);
            var featureText = parse.GetValue(features);
            // Checked here too, so a bad value never starts a user's tree.
            if (asOfText is not null)
            {
                NixHumanityInput.ParseTime("asOf", asOfText);
            }

            if (featureText is not null)
            {
                NixHumanityInput.CheckFeatureRange(featureText);
            }

            var prefs = await host.Client.GetPreferencesAsync(parse.GetRequiredValue(user), asOfText, featureText, cancellationToken);
            var cells = prefs.Cells.Select(c => new { feature = c.Feature, name = c.Name, value = c.Value, time = c.Time }).ToList();
            var rows = prefs.Cells
                .Select(c => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
                {
                    ["feature"] = c.Feature, ["name"] = c.Name, ["value"] = c.Value, ["time"] = c.Time,
                })
                .ToList();
            return new Tabular(new { userId = prefs.UserId, asOf = prefs.AsOf, features = prefs.Features, cells }, ["feature", "name", "value", "time"], rows);
        }));
        return verb;
    }

    private static Command Fold()
    {
        var user = CommonOptions.User();
        var verb = new Command("fold", "Fold the interactions since the last fold into a new preference fragment now (idempotent)") { user };
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "fold", async host =>
        {
            var report = await host.Client.FoldAsync(parse.GetRequiredValue(user), cancellationToken);
            return new
            {
                userId = report.UserId,
                written = report.Written,
                interactions = report.Interactions,
                fromSeq = report.FromSeq,
                toSeq = report.ToSeq,
                fragment = report.Fragment,
                stamp = report.Stamp,
                features = report.Features,
                directionFromMemory = report.DirectionFromMemory,
            };
        }));
        return verb;
    }

    private static Command Suggest()
    {
        var user = CommonOptions.User();
        var limit = new Option<int>("--limit") { Description = "How many (1..100)", HelpName = "K", DefaultValueFactory = _ => 3 };
        var verb = new Command("suggest", "Show the commands the user most likely runs next, with probabilities") { user, limit };
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "likely next", async host =>
        {
            var next = await host.Client.SuggestAsync(parse.GetRequiredValue(user), parse.GetValue(limit), cancellationToken);
            var items = next.Next.Select(n => new { command = n.Command, text = n.Text, probability = n.Probability, count = n.Count }).ToList();
            var rows = next.Next
                .Select(n => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
                {
                    ["command"] = n.Command, ["probability"] = n.Probability, ["count"] = n.Count, ["text"] = n.Text,
                })
                .ToList();
            return new Tabular(new { userId = next.UserId, afterCommand = next.AfterCommand, next = items }, ["command", "probability", "count", "text"], rows);
        }));
        return verb;
    }

    private static Command RecordBiometrics()
    {
        var user = CommonOptions.User();
        var hrv = new Option<double?>("--hrv") { Description = "HRV coherence, 0..1", HelpName = "X" };
        var attention = new Option<double?>("--attention") { Description = "Attention score, 0..1", HelpName = "X" };
        var flowState = new Option<double?>("--flow-state") { Description = "Flow state, 0..1", HelpName = "X" };
        var at = CommonOptions.At();
        var file = PathSymbols.Mark(new Option<string?>("--file")
        {
            Description = "CSV file with a header timestamp,hrv,attention,flow_state (ISO-8601 times) instead of one sample",
            HelpName = "samples.csv",
        });
        var verb = new Command("record-biometrics", "Store biometric samples (one from --hrv/--attention/--flow-state, or many from --file)")
        {
            user, hrv, attention, flowState, at, file,
        };
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "biometrics", async host =>
        {
            var userId = parse.GetRequiredValue(user);
            if (InputRules.Id("userId", userId) is { } badUser)
            {
                throw new InvalidInputException(badUser);
            }

            var path = parse.GetValue(file);
            var single = (Hrv: parse.GetValue(hrv), Attention: parse.GetValue(attention), Flow: parse.GetValue(flowState));
            IReadOnlyList<BiometricSample> samples;
            if (path is not null)
            {
                if (single.Hrv is not null || single.Attention is not null || single.Flow is not null || parse.GetValue(at) is not null)
                {
                    throw Reject("file", "cannot be combined with --hrv, --attention, --flow-state or --at");
                }

                samples = ReadCsv(path, userId);
            }
            else
            {
                var sample = new BiometricSample(
                    CliErrors.ParseTimestamp("at", parse.GetValue(at)) ?? DateTimeOffset.UtcNow,
                    userId,
                    single.Hrv ?? throw Reject("hrv", "is required (or --file)"),
                    single.Attention ?? throw Reject("attention", "is required (or --file)"),
                    single.Flow ?? throw Reject("flowState", "is required (or --file)"));
                samples = [sample];
            }

            var recorded = await host.Client.RecordBiometricsAsync(userId, samples, cancellationToken);
            return new { userId = recorded.UserId, recorded = recorded.Count };
        }));
        return verb;
    }

    private static List<BiometricSample> ReadCsv(string path, string userId)
    {
        var full = NixHumanityFiles.CheckInputFile("file", path, MaxCsvBytes);
        var samples = new List<BiometricSample>();
        using var reader = new StreamReader(full);
        using var lines = NixHumanityFiles.ReadLines("file", reader, MaxCsvLineChars).GetEnumerator();
        var header = lines.MoveNext() ? lines.Current.Trim() : null;
        if (header is null || !string.Equals(header.Replace(" ", "", StringComparison.Ordinal), "timestamp,hrv,attention,flow_state", StringComparison.OrdinalIgnoreCase))
        {
            throw Reject("file", "must start with the header timestamp,hrv,attention,flow_state");
        }

        var lineNo = 1;
        while (lines.MoveNext())
        {
            var line = lines.Current;
            lineNo++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (samples.Count == MaxCsvSamples)
            {
                throw Reject("file", $"must hold at most {MaxCsvSamples:N0} samples");
            }

            // double.TryParse ignores trailing NULs ("0.5\0" is 0.5): a control character makes the line bad instead.
            if (InputRules.Characters("file", line) is { } badCharacters)
            {
                throw Reject("file", $"line {lineNo}: {badCharacters.Rule}");
            }

            var parts = line.Split(',');
            if (parts.Length != 4)
            {
                throw Reject("file", $"line {lineNo}: must have 4 comma-separated values");
            }

            var time = NixHumanityInput.ParseTime($"file line {lineNo} timestamp", parts[0]);
            samples.Add(new BiometricSample(time, userId, Number(parts[1], lineNo, "hrv"), Number(parts[2], lineNo, "attention"), Number(parts[3], lineNo, "flow_state")));
        }

        return samples;
    }

    private static double Number(string text, int line, string column) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Reject("file", $"line {line}: {column} must be a number (was '{text.Trim()}')");

    // A sample line is about 60 characters; the caps bound what one CSV can make the command hold in memory.
    private const long MaxCsvBytes = 128L * 1024 * 1024;
    private const int MaxCsvLineChars = 256;
    private const int MaxCsvSamples = 1_000_000;

    private static InvalidInputException Reject(string field, string rule) => new(new CommandRejected(field, rule));
}
