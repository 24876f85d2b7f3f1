using System.CommandLine;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Cli.Commands;

namespace NixHumanity.Cli;

/// <summary>The <c>nixh</c> command line: verbs, shared options, and one error policy for all of them.</summary>
internal static class NixhCommandLine
{
    private static readonly Lock ParseGate = new();

    public static Task<int> RunAsync(string[] args) => RunAsync(CreateRoot(), args, null, CancellationToken.None);

    /// <summary>The parser with every verb; a serving process builds it once and parses each request with it.</summary>
    internal static RootCommand CreateRoot()
    {
        var root = new RootCommand("nixh: the local-first memory and learning layer of Nix for Humanity")
        {
            CommonOptions.DataDir,
            CommonOptions.Json,
            CommonOptions.Embedder,
            RecordCommand.Create(),
            NotifyCommand.Create(),
            StatusCommand.Create(),
            ImportCommand.Create(),
            SearchCommand.Create(),
            CompactCommand.Create(),
            DemoCommand.Create(),
            ChartCommand.Create(),
            ForgetCommand.Create(),
            ExportCommand.Create(),
            StatsCommand.Create(),
        };
        foreach (var verb in LearningCommands.Create())
        {
            root.Subcommands.Add(verb);
        }

        root.Subcommands.Add(ServeCommand.Create());

        return root;
    }

    /// <summary>Parses and runs one command line; <paramref name="configuration"/> is null for the process's own.</summary>
    internal static async Task<int> RunAsync(
        RootCommand root, IReadOnlyList<string> args, InvocationConfiguration? configuration, CancellationToken cancellationToken)
    {
        var parse = Parse(root, args);
        if (parse.Errors.Count > 0)
        {
            CliOutput.Error(ParseErrors.Describe(parse, root));
            return ExitCodes.InvalidInput;
        }

        if (configuration is not null)
        {
            // A request forwarded to the serving process: its configuration and cancellation are the server's.
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }

        if (parse.CommandResult.Command.Name == "serve")
        {
            // serve stops on SIGTERM/SIGINT itself and takes the time a clean stop needs; the parser's own handler would
            // end the process two seconds after the signal, whatever the actor system was still writing.
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, cancellationToken).ConfigureAwait(false);
        }

        using var signals = new TerminationSignals();
        var exitCode = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, signals.Token).ConfigureAwait(false);
        return signals.Token.IsCancellationRequested ? signals.ExitCode : exitCode;
    }

    /// <summary>Parses <paramref name="args"/>; one parse at a time, since a serving process shares one tree between requests.</summary>
    internal static ParseResult Parse(RootCommand root, IReadOnlyList<string> args)
    {
        lock (ParseGate)
        {
            return root.Parse(args);
        }
    }

    /// <summary>
    /// Runs a verb against a started actor tree and prints its result; maps failures to exit codes with a
    /// one-line message on stderr.
    /// </summary>
    /// <param name="parse">The parsed command line.</param>
    /// <param name="cancellationToken">Cancelled by the first SIGINT/SIGTERM.</param>
    /// <param name="title">Title of the table printed without <c>--json</c>.</param>
    /// <param name="verb">The work, given the started tree.</param>
    /// <param name="check">Checks the input before anything is started, so a refused command creates nothing.</param>
    public static async Task<int> RunVerbAsync(
        ParseResult parse, CancellationToken cancellationToken, string title, Func<CliHost, Task<object>> verb, Action? check = null)
    {
        try
        {
            check?.Invoke();
            await using var host = await StartHostAsync(parse, cancellationToken).ConfigureAwait(false);
            RequestPathTrace.Mark("host");
            var result = await verb(host).ConfigureAwait(false);
            RequestPathTrace.Mark("verb-done");
            CliOutput.Write(parse.GetValue(CommonOptions.Json), result, title);
            RequestPathTrace.Mark("printed");
            return ExitCodes.Success;
        }
        catch (Exception ex)
        {
            return Fail(ex);
        }
    }

    /// <summary>
    /// The tree a verb runs against. Verbs that only read (see <see cref="ReaderVerbs"/>) create nothing: not the data
    /// directory when it holds nothing, nor anything for a person nothing is held about (<see cref="CliHost.StartForReaderAsync"/>).
    /// </summary>
    public static Task<CliHost> StartHostAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var dataDirectory = parse.GetRequiredValue(CommonOptions.DataDir);
        var embedder = CommonOptions.EmbedderOf(parse);
        var verb = parse.CommandResult.Command.Name;
        var user = parse.CommandResult.Command.Options.OfType<Option<string>>().FirstOrDefault(o => o.Name == "--user");
        return ReaderVerbs.Contains(verb)
            ? CliHost.StartForReaderAsync(user is null ? null : parse.GetValue(user), dataDirectory, embedder, cancellationToken)
            : CliHost.StartAsync(dataDirectory, embedder, cancellationToken);
    }

    /// <summary>The verbs that only read the data directory (export and chart write only to their <c>--out</c>).</summary>
    private static readonly HashSet<string> ReaderVerbs = new(StringComparer.Ordinal)
    {
        "status", "search", "query", "preferences", "suggest", "chart", "stats", "export",
    };

    /// <summary>Maps an exception to an exit code and prints it as one line on stderr (<see cref="CliErrors.Report"/>).</summary>
    public static int Fail(Exception ex) => CliErrors.Report(ex);
}
