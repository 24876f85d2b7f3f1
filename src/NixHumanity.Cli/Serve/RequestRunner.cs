using System.CommandLine;
using NixHumanity.Actors.Hosting.Serving;

namespace NixHumanity.Cli.Serve;

/// <summary>
/// Runs one forwarded command line in the owner's process: the same parser, verbs and error policy as a verb in its own
/// process, with the owner's host lent to it and its output sent back to the client.
/// </summary>
internal sealed class RequestRunner(RootCommand root, CliHost host)
{
    public async Task<int> RunAsync(ServeRequest request, ReplyChannel channel, CancellationToken cancellationToken)
    {
        // Cheap when still in place; in a process that embeds the library its own code may have replaced the console.
        CliConsole.RouteToRequests();
        var stdout = new ReplyWriter(channel, "stdout");
        var stderr = new ReplyWriter(channel, "stderr");
        try
        {
            return await RunInScopeAsync(new RequestScope(request, stdout, stderr, host), cancellationToken);
        }
        finally
        {
            stdout.Flush();
            stderr.Flush();
        }
    }

    private async Task<int> RunInScopeAsync(RequestScope scope, CancellationToken cancellationToken)
    {
        // Everything below, and what it starts, sees this request's console, environment and host.
        scope.Enter();
        try
        {
            return await NixhCommandLine.RunAsync(root, ServedArguments.For(root, scope.Request, host.Options.Data.Root), Configuration(scope), cancellationToken);
        }
        catch (Exception ex)
        {
            return NixhCommandLine.Fail(ex);
        }
    }

    private static InvocationConfiguration Configuration(RequestScope scope) => new()
    {
        Output = scope.Out,
        Error = scope.Error,
        // The owner's own SIGINT/SIGTERM handling stops it; a request is cancelled when its client goes away.
        ProcessTerminationTimeout = null,
    };
}

