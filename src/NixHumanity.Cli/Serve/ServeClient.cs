using System.Text;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Hosting.Serving;

namespace NixHumanity.Cli.Serve;

/// <summary>
/// The first thing <c>nixh</c> does: when the data directory has an owner serving it, the command line is sent there
/// and its output and exit code come back; no actor system starts in this process. Without an owner (no socket, or a
/// socket nobody listens on any more) the verb runs in this process as before. The path to the answer is kept to what
/// a process start cannot avoid: a raw socket (<see cref="UnixSocketClient"/>) and the protocol's JSON lines written
/// and read here (<see cref="ClientJsonLines"/>), no System.Net.Sockets or System.Text.Json (ADR 0046).
/// </summary>
internal static class ServeClient
{
    /// <summary>
    /// Set to 1 to have a forwarded verb list, after its answer, the assemblies its process loaded (one
    /// <c>nixh: loaded NAME</c> line each on stderr): how a spec checks that the client path loads no actor system,
    /// journal or console library (docs/serve.md, "Faster verbs").
    /// </summary>
    internal const string ListLoadedAssembliesVariable = "NIXH_DEBUG_LOADED_ASSEMBLIES";

    /// <summary>The forwarded verb's exit code, or <c>null</c> when it is to run in this process.</summary>
    public static int? TryForward(string[] args)
    {
        if (ForwardedDataDirectory(args) is not { } dataDirectory)
        {
            return null;
        }

        var socketPath = ServePaths.Socket(dataDirectory);
        if (!File.Exists(socketPath))
        {
            return null;
        }

        // Null for a socket left by an owner that was killed: nobody listens, so this process may own the directory.
        using var connection = UnixSocketClient.TryConnect(socketPath);
        if (connection is null)
        {
            return null;
        }

        connection.Write(ClientJsonLines.Request(Request(args)));
        var exitCode = Relay(connection);
        if (Environment.GetEnvironmentVariable(ListLoadedAssembliesVariable) == "1")
        {
            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            {
                Console.Error.WriteLine($"nixh: loaded {assembly.GetName().Name}");
            }
        }

        return exitCode;
    }

    /// <summary>The data directory a forwardable command line names (absolute), or <c>null</c> for one that runs here:
    /// help, no verb, <c>serve</c> itself, and <c>demo</c> on its own fresh folder.</summary>
    internal static string? ForwardedDataDirectory(IReadOnlyList<string> args)
    {
        string? dataDirectory = null;
        string? verb = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--" or "--version" || HelpAliases.Contains(arg))
            {
                return null;
            }

            if (arg is "--data-dir" or "--embedder" && i + 1 < args.Count)
            {
                dataDirectory = arg == "--data-dir" ? args[i + 1] : dataDirectory;
                i++;
            }
            else if (arg.StartsWith("--data-dir=", StringComparison.Ordinal))
            {
                dataDirectory = arg["--data-dir=".Length..];
            }
            else if (verb is null && !arg.StartsWith('-'))
            {
                verb = arg;
            }
        }

        if (verb is null or "serve" || (verb == "demo" && dataDirectory is null))
        {
            return null;
        }

        return Path.GetFullPath(dataDirectory ?? NixHumanityFiles.DefaultDataDirectory());
    }

    private static ServeRequest Request(string[] args)
    {
        var environment = new Dictionary<string, string>();
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && name.StartsWith(ServeRequest.EnvironmentPrefix, StringComparison.Ordinal) && variable.Value is string value)
            {
                environment[name] = value;
            }
        }

        return new ServeRequest(
            args, Environment.CurrentDirectory, environment,
            TerminalConsoles.Of(Console.IsOutputRedirected, Console.Out),
            TerminalConsoles.Of(Console.IsErrorRedirected, Console.Error));
    }

    /// <summary>Copies the owner's reply lines to stdout and stderr until the exit code arrives.</summary>
    private static int Relay(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var stdout = Console.OpenStandardOutput();
        using var stderr = Console.OpenStandardError();
        while (reader.ReadLine() is { } line)
        {
            var reply = ClientJsonLines.ParseReply(line);
            switch (reply.Name)
            {
                case "stdout":
                    Write(stdout, reply.Text);
                    break;
                case "stderr":
                    Write(stderr, reply.Text);
                    break;
                case "exit" when reply.Exit is { } exit:
                    return exit;
            }
        }

        Console.Error.WriteLine("nixh: the process serving this data directory stopped before answering; run the command again");
        return ExitCodes.Unavailable;
    }

    private static void Write(Stream output, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            output.Write(Encoding.UTF8.GetBytes(text));
            output.Flush();
        }
    }
}
