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

    /// <summary>Prints <paramref name="ex"/> as one line on stderr (<see cref="Describe"/>) and returns its exit code.</summary>
    public static int Report(Exception ex)
    {
        if (ex is OperationCanceledException && TerminationSignals.Received)
        {
            // Interrupted by a signal, which has said so on stderr; the exit code is the signal's.
            return TerminationSignals.InterruptedExitCode;
        }

        var (exitCode, message) = Describe(ex);
        CliOutput.Error(message);
        return exitCode;
    }

    /// <summary>
    /// The exit code and the one line (without the <c>nixh: </c> prefix) for <paramref name="ex"/>. The line says what
    /// is wrong in the project's words (<c>field: rule</c>, <c>unavailable: …</c>, <c>disk full: PATH</c>, a store file
    /// and its fault); never an exception's type name.
    /// </summary>
    public static (int ExitCode, string Message) Describe(Exception ex)
    {
        ex = Unwrap(ex);
        return ex switch
        {
            InvalidInputException invalid => (ExitCodes.InvalidInput, invalid.Rejection.Message),
            // ArgumentException appends " (Parameter 'x')"; print the field: rule shape instead.
            ArgumentException { ParamName: { } field } argument =>
                (ExitCodes.InvalidInput, $"{field}: {argument.Message.Replace($" (Parameter '{field}')", "", StringComparison.Ordinal)}"),
            ArgumentException argument => (ExitCodes.InvalidInput, argument.Message),
            ComponentUnavailableException { Reply.DiskFullPath: { } full } => (ExitCodes.DiskFull, $"disk full: {full}"),
            StoreFaultException { Kind: StoreFaultKind.DiskFull } fault => (ExitCodes.DiskFull, $"disk full: {fault.Path}"),
            ComponentUnavailableException => (ExitCodes.Unavailable, ex.Message),
            AskTimeoutException or NixHumanityTimeoutException => (ExitCodes.Unavailable, "unavailable: no answer in time (the machine may be overloaded); nothing is lost, retry"),
            DataDirectoryInUseException inUse => (ExitCodes.DataDirectoryInUse, inUse.Message),
            // Store faults name the file and what is wrong with it; the .NET type name adds nothing for a person.
            IOException io => (ExitCodes.Unexpected, io.Message.ReplaceLineEndings(" ")),
            _ => (ExitCodes.Unexpected, $"unexpected failure: {ex.Message.ReplaceLineEndings(" ")}"),
        };
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
