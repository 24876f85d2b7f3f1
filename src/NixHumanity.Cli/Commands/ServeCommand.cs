using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text.Json;
using NixHumanity.Cli.Serve;
using NixHumanity.Actors.Hosting.Serving;

namespace NixHumanity.Cli.Commands;

/// <summary>
/// <c>nixh serve</c>: owns the data directory and answers every <c>nixh</c> verb for it over a Unix domain socket
/// (docs/serve.md) until SIGTERM or SIGINT, then stops cleanly.
/// </summary>
internal static class ServeCommand
{
    /// <summary>The ready line's JSON: a single process has no cluster address, and says nothing about one.</summary>
    private static readonly JsonSerializerOptions ReadyJson = new(JsonSerializerOptions.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>How often the owner folds each active person's new interactions into their preferences.</summary>
    private static readonly Option<int?> FoldEvery = new("--fold-every")
    {
        Description = "Fold each active person's new interactions into their preferences every SECONDS, at least 1 (default: 30)",
        HelpName = "SECONDS",
    };

    /// <summary>How long each person's memory and learner wait after a new event before applying it with those that follow.</summary>
    private static readonly Option<int?> ApplyWindow = new("--apply-window")
    {
        Description = "Apply each person's new events to their memory and learner MS milliseconds after the first of them, 0 to 10000 (default: 100; 0: at once)",
        HelpName = "MS",
    };

    public static Command Create()
    {
        var verb = new Command("serve", "Own the data directory and answer every nixh verb for it over a local socket until SIGTERM or SIGINT");
        foreach (var option in ClusterArguments.All)
        {
            verb.Options.Add(option);
        }

        verb.Options.Add(FoldEvery);
        verb.Options.Add(ApplyWindow);

        verb.SetAction(RunAsync);
        return verb;
    }

    /// <summary>Starts the owner, serves until a signal (or until the actor system ends by itself), then stops it.</summary>
    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        try
        {
            if (RequestScope.Current is { } served)
            {
                throw new Actors.Contracts.DataDirectoryInUseException(served.Host.Options.Data.Root, Environment.ProcessId, "nixh serve");
            }

            // Checked before anything starts: a refused option creates nothing.
            var clustering = ClusterArguments.Read(parse);
            var foldEvery = ReadFoldEvery(parse);
            var applyWindow = ReadApplyWindow(parse);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal => Stop(signal, stop));
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => Stop(signal, stop));
            await using var host = await CliHost.StartAsync(
                parse.GetRequiredValue(CommonOptions.DataDir), CommonOptions.EmbedderOf(parse), stop.Token,
                // A long-lived owner keeps the model loaded, so searches never wait for it.
                options =>
                {
                    options.Memory.LoadModelForNewEvents = true;

                    // Its projections follow every event as it is written (record → searchable in milliseconds).
                    options.StartComponentsOnDemand = false;
                    options.FoldInterval = foldEvery ?? options.FoldInterval;
                    // The library's window (100 ms) unless --apply-window says otherwise: a burst of records is
                    // acknowledged without the stores' commits on the disk (docs/adr/0055).
                    options.Projections.LiveApplyWindow = applyWindow ?? options.Projections.LiveApplyWindow;
                    clustering(options);
                });

            // A cluster node answers once it is a member (its users can be placed); until then verbs beside it wait.
            await ClusterArguments.WhenUpAsync(host.ActorSystem, host.Options, stop.Token);
            await ServeUntilStoppedAsync(parse, host, stop.Token);
            if (!stop.IsCancellationRequested)
            {
                CliOutput.Error("unavailable: this node's actor system stopped (removed from the cluster); restart it to join again");
                return ExitCodes.Unavailable;
            }

            // Disposing the host stops the actor system: the journal is flushed and the projections checkpointed.
            return ExitCodes.Success;
        }
        catch (Exception ex)
        {
            return NixhCommandLine.Fail(ex);
        }
    }

    /// <summary>The fold interval asked for with <c>--fold-every</c>, or null for the library's default.</summary>
    /// <exception cref="Actors.Contracts.InvalidInputException">Less than one second.</exception>
    private static TimeSpan? ReadFoldEvery(ParseResult parse) => parse.GetValue(FoldEvery) switch
    {
        null => null,
        < 1 and var seconds => throw new Actors.Contracts.InvalidInputException(new Actors.Contracts.CommandRejected("foldEvery", $"must be at least 1 (got {seconds})")),
        var seconds => TimeSpan.FromSeconds(seconds.Value),
    };

    /// <summary>The live-apply window asked for with <c>--apply-window</c>, or null for the library's default (docs/adr/0055).</summary>
    /// <exception cref="Actors.Contracts.InvalidInputException">Outside 0 to 10000 milliseconds.</exception>
    private static TimeSpan? ReadApplyWindow(ParseResult parse) => parse.GetValue(ApplyWindow) switch
    {
        null => null,
        (< 0 or > 10_000) and var ms => throw new Actors.Contracts.InvalidInputException(new Actors.Contracts.CommandRejected("applyWindow", $"must be between 0 and 10000 (got {ms})")),
        var ms => TimeSpan.FromMilliseconds(ms.Value),
    };

    /// <summary>Listens on the socket, prints the ready line, and answers requests until <paramref name="stop"/> or the actor system ends.</summary>
    private static async Task ServeUntilStoppedAsync(ParseResult parse, CliHost host, CancellationToken stop)
    {
        CliConsole.RouteToRequests();
        var runner = new RequestRunner(NixhCommandLine.CreateRoot(), host);
        await using var listener = ServeListener.Start(host.Options.Data.Root, PeerCheck.ForThisUser(), runner.RunAsync);

        // One line once it listens, so a person (or a supervisor) knows it is ready.
        var address = ClusterArguments.AddressOf(host.ActorSystem, host.Options);
        var ready = new { dataDir = host.Options.Data.Root, socket = listener.SocketPath, pid = Environment.ProcessId, address };
        await Console.Out.WriteLineAsync(parse.GetValue(CommonOptions.Json)
            ? JsonSerializer.Serialize(ready, ReadyJson)
            : $"nixh: serving {ready.dataDir} on {ready.socket} (process {ready.pid}{(address is null ? "" : $", cluster node {address}")}); SIGTERM or SIGINT stops it");
        await Console.Out.FlushAsync(CancellationToken.None);

        // Until a signal, or until the actor system ends by itself: a cluster node the others downed (it was
        // unreachable, or on the minority side of a partition) shuts its system down, and must then exit
        // rather than answer every verb with a failure, so a supervisor restarts it and it joins afresh.
        await Task.WhenAny(Task.Delay(Timeout.Infinite, stop), host.ActorSystem.WhenTerminated);
    }

    /// <summary>A signal stops the owner cleanly instead of ending the process.</summary>
    private static void Stop(PosixSignalContext signal, CancellationTokenSource stop)
    {
        signal.Cancel = true;
        stop.Cancel();
    }
}
