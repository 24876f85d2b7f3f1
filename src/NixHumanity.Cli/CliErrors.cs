using Akka.Actor;
using NixHumanity.Actors.Contracts;
using NixHumanity.Actors.Hosting;
using NixHumanity.Actors.Infrastructure;

namespace NixHumanity.Cli;

/// <summary>Parsing helpers that fail with the same field/rule shape as the actor tree, and the one error policy of every verb.</summary>
internal static class CliErrors
{
    /// <summary>Parses an optional ISO-8601 time with an offset (<see cref="IsoTime"/>); absent gives null.</summary>
    public static DateTimeOffset? ParseTimestamp(string field, string? text) => text is null ? null : IsoTime.Parse(field, text);

    /// <summary>
    /// Prints <paramref name="ex"/> as one line on stderr and returns its exit code. The line says what is wrong in
    /// the project's words (<c>field: rule</c>, <c>unavailable: …</c>, <c>disk full: PATH</c>, a store file and its
    /// fault); never an exception's type name.
    /// </summary>
    public static int Report(Exception ex)
    {
        ex = Unwrap(ex);
        switch (ex)
        {
            case InvalidInputException invalid:
                CliOutput.Error(invalid.Rejection.Message);
                return ExitCodes.InvalidInput;
            case ArgumentException { ParamName: { } field } argument:
                // ArgumentException appends " (Parameter 'x')"; print the field: rule shape instead.
                CliOutput.Error($"{field}: {argument.Message.Replace($" (Parameter '{field}')", "", StringComparison.Ordinal)}");
                return ExitCodes.InvalidInput;
            case ArgumentException argument:
                CliOutput.Error(argument.Message);
                return ExitCodes.InvalidInput;
            case ComponentUnavailableException { Reply.DiskFullPath: { } full }:
                CliOutput.Error($"disk full: {full}");
                return ExitCodes.DiskFull;
            case StoreFaultException { Kind: StoreFaultKind.DiskFull } fault:
                CliOutput.Error($"disk full: {fault.Path}");
                return ExitCodes.DiskFull;
            case ComponentUnavailableException:
                CliOutput.Error(ex.Message);
                return ExitCodes.Unavailable;
            case AskTimeoutException:
                CliOutput.Error("unavailable: no answer in time (the machine may be overloaded); nothing is lost, retry");
                return ExitCodes.Unavailable;
            case IOException io:
                // Store faults name the file and what is wrong with it; the .NET type name adds nothing for a person.
                CliOutput.Error(io.Message.ReplaceLineEndings(" "));
                return ExitCodes.Unexpected;
            default:
                CliOutput.Error($"unexpected failure: {ex.Message.ReplaceLineEndings(" ")}");
                return ExitCodes.Unexpected;
        }
    }

    /// <summary>The one inner exception of an <see cref="AggregateException"/> (a task's), else the exception itself.</summary>
    private static Exception Unwrap(Exception ex)
    {
        while (ex is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            ex = aggregate.InnerExceptions[0];
        }

        return ex;
    }
}
