using NixHumanity.Cli;
using NixHumanity.Cli.Serve;

// First, before anything heavy loads: a data directory with an owner serving it answers the verb itself.
if (ServeClient.TryForward(args) is { } forwarded)
{
    return forwarded;
}

return await NixhCommandLine.RunAsync(args);
