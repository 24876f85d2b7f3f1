using NixHumanity.Cli;
using NixHumanity.Cli.Serve;

// First, before anything heavy loads: a data directory with an owner serving it answers the verb itself.
if (ServeClient.TryForward(args) is { } forwarded)
{
    return forwarded;
}

// A verb in its own process: a short one runs without dynamic code (ADR 0042), set before any verb's code reads it.
OneShotRuntime.Apply(args);

// With --json stdout carries the result alone: whatever else prints on Console.Out (a logger, a library) goes to stderr.
ResultOutput.Reserve(args);

// This process ends when its verb's host (or nixh serve's) has stopped: the stop need not free the stores' memory.
CliHost.ProcessExitsAfterStop = true;
return await NixhCommandLine.RunAsync(args);
