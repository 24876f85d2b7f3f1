using System.Diagnostics;
using NixHumanity.Actors.Infrastructure;
using NixHumanity.Actors.Tests.Cli;
using NixHumanity.Actors.Tests.DataPortability.Import;
using NixHumanity.Actors.Tests.Support;

namespace NixHumanity.Actors.Tests.Hosting;

/// <summary>
/// Two <c>nixh</c> processes on one data directory, neither serving it (issue 12): the second gets the documented
/// answer of docs/serve.md at once — exit 6, one line naming the holder's process id and command — and writes
/// nothing, while the first finishes its work. <see cref="DataDirectoryOwnershipSpecs"/> covers a host beside a verb.
/// </summary>
public sealed class TwoProcessesOnOneDataDirectorySpecs : IDisposable
{
    private const int ImportedInteractions = 2_000;
    private readonly TempDataDirectory _data = new();
    private readonly TempDataDirectory _files = new();

    public void Dispose()
    {
        _data.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task A_verb_beside_a_running_import_exits_6_naming_the_import_and_writes_nothing_and_the_import_completes()
    {
        var past = DateTimeOffset.UtcNow.AddDays(-30);
        var history = ImportFiles.Json(Path.Combine(_files.Path, "learning.json"), new
        {
            commandHistory = Enumerable.Range(0, ImportedInteractions).Select(i => new
            {
                timestamp = past.AddMinutes(i).ToString("O"),
                input = $"install package {i}",
                success = true,
                command = $"nix-env -iA nixpkgs.pkg{i}",
            }).ToArray(),
        });

        // The holder is frozen (SIGSTOP) while it holds the lock, so the second verb meets it there whatever the load;
        // an import that had already let go by the time it was frozen is let finish and started again.
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var importer = $"ann{attempt}";
            using var import = Process.Start(NixhProcess.StartInfo(false, null, ["import", history, "--user", importer, "--data-dir", _data.Path, "--json"]))!;
            var importOut = import.StandardOutput.ReadToEndAsync();
            var importErr = import.StandardError.ReadToEndAsync();
            await Eventually.HoldsAsync(() => (import.HasExited || HolderPid() == import.Id).Should().BeTrue(), TimeSpan.FromMinutes(2));
            if (import.HasExited)
            {
                throw new InvalidOperationException($"the import exited {import.ExitCode} before it held the data directory: {await importErr}");
            }

            // The holder file is deleted before the lock is released: still there with the frozen import's id, the
            // lock is still the import's.
            var held = Signal("STOP", import.Id) && HolderPid() == import.Id;
            NixhProcess.Result? refused = null;
            if (held)
            {
                refused = await NixhProcess.RunAsync(
                    "record", "--data-dir", _data.Path, "--user", "maya", "--session", "s", "--text", "install git", "--command", "nix-env -iA nixpkgs.git");
            }

            (Signal("CONT", import.Id) || import.HasExited).Should().BeTrue("the import is let go on");
            using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)))
            {
                await import.WaitForExitAsync(timeout.Token);
            }

            import.ExitCode.Should().Be(0, await importErr);
            if (refused is null)
            {
                continue;
            }

            refused.ExitCode.Should().Be(6, refused.StdErr);
            refused.StdOut.Should().BeEmpty();
            refused.StdErr.TrimEnd().Should().StartWith($"nixh: data directory {_data.Path} is in use by process {import.Id} (")
                .And.Contain($"nixh.dll import {history} --user {importer}")
                .And.EndWith("; one process owns it at a time")
                .And.NotContain("\n");
            NixhProcess.SingleJsonObject(new NixhProcess.Result(0, await importOut, "")).GetProperty("imported").GetInt64().Should().Be(ImportedInteractions);

            var loser = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("status", "--data-dir", _data.Path, "--user", "maya", "--json"));
            var winner = NixhProcess.SingleJsonObject(await NixhProcess.RunAsync("status", "--data-dir", _data.Path, "--user", importer, "--json"));
            loser.GetProperty("interactions").GetInt64().Should().Be(0, "the refused process wrote nothing");
            winner.GetProperty("interactions").GetInt64().Should().Be(ImportedInteractions);
            File.Exists(Path.Combine(_data.Path, DataDirectoryLock.HolderFileName)).Should().BeFalse("the import let go of the directory when it ended");
            return;
        }

        throw new InvalidOperationException("three imports in a row had let go of the data directory before they could be frozen holding it");
    }

    private int? HolderPid()
    {
        try
        {
            var lines = File.ReadAllLines(Path.Combine(_data.Path, DataDirectoryLock.HolderFileName));
            return lines.Length > 0 && int.TryParse(lines[0], out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Sends <paramref name="signal"/>; false when the process is gone.</summary>
    private static bool Signal(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {pid}") { UseShellExecute = false, RedirectStandardError = true })!;
        kill.WaitForExit();
        return kill.ExitCode == 0;
    }
}
