namespace NixHumanity.Actors.Hosting.Serving;

/// <summary>
/// The verbs a host answers on its socket: <c>nixh</c>'s command line, which lives in <c>nixh</c> (System.CommandLine,
/// Spectre.Console, ScottPlot), not in the library. <c>nixh</c> implements it; the library finds it at run time
/// (<see cref="ServedCommandLines"/>), so the library never references the command line (ADR 0020).
/// </summary>
internal interface IServedCommandLine
{
    /// <summary>
    /// Prepares to answer verbs on the running host of <paramref name="services"/> (its <c>NixHumanityClient</c> and
    /// options) and returns what answers one request with its exit code.
    /// </summary>
    Func<ServeRequest, ReplyChannel, CancellationToken, Task<int>> Serve(IServiceProvider services);
}
