using NixHumanity.Actors.Hosting.Serving;

namespace NixHumanity.Cli.Serve;

/// <summary>
/// The <c>nixh</c> verbs as a host that embeds the library serves them (<c>NixHumanityOptions.Serve</c>): the library
/// loads this type by name from <c>nixh.dll</c> (<see cref="ServedCommandLines.NixhTypeName"/>) and lends its running
/// host to each forwarded verb, exactly as <c>nixh serve</c> lends its own.
/// </summary>
internal sealed class ServedCommandLine : IServedCommandLine
{
    /// <inheritdoc />
    public Func<ServeRequest, ReplyChannel, CancellationToken, Task<int>> Serve(IServiceProvider services)
    {
        CliConsole.RouteToRequests();
        return new RequestRunner(NixhCommandLine.CreateRoot(), CliHost.Running(services)).RunAsync;
    }
}
