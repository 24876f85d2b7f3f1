using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace NixHumanity.Actors.Infrastructure;

/// <summary>
/// A store write that fails because its DuckDB instance reached <c>memory_limit</c> is retried once after the store is
/// checkpointed (docs/adr/0049). Rows still in a store's write-ahead log live in in-memory segments the buffer manager
/// cannot evict; a checkpoint moves them into file blocks it can, so the same write usually fits the second time. The
/// writes retried roll back completely on failure (one transaction, the in-memory view updated only after commit), so
/// running them again applies nothing twice.
/// </summary>
internal static class OutOfMemoryRetry
{
    private static long _retries;

    /// <summary>Writes retried after a checkpoint since the process started (both outcomes).</summary>
    public static long Retries => Interlocked.Read(ref _retries);

    /// <summary>
    /// Runs <paramref name="write"/>; when it fails with DuckDB's out-of-memory error, runs <paramref name="checkpoint"/>
    /// and <paramref name="write"/> once more. A second failure (or a failing checkpoint) is thrown as it is.
    /// </summary>
    /// <typeparam name="T">What the write returns.</typeparam>
    /// <param name="write">One transaction that leaves nothing behind when it throws.</param>
    /// <param name="checkpoint">Checkpoints the store the write goes to.</param>
    public static T Run<T>(Func<T> write, Action checkpoint)
    {
        try
        {
            return write();
        }
        catch (Exception failure) when (IsOutOfMemory(failure))
        {
            Interlocked.Increment(ref _retries);
            checkpoint();
            return write();
        }
    }

    /// <summary>True when <paramref name="exception"/> (or one it wraps) is DuckDB's out-of-memory error.</summary>
    public static bool IsOutOfMemory(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is DuckDBException duck
                && (duck.ErrorType == DuckDBErrorType.OutOfMemory || duck.Message.Contains("Out of Memory Error", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
