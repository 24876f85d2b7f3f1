using System.CommandLine;
using NixHumanity.Actors.Hosting;
using NixHumanity.Cli.Serve;

namespace NixHumanity.Cli.Commands;

/// <summary><c>nixh export</c>: everything held about a person, in open formats, with a checksummed manifest.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var user = CommonOptions.User();
        var output = PathSymbols.Mark(new Option<string>("--out") { Description = "A new or empty folder to write into", HelpName = "DIR", Required = true });
        var verb = new Command("export", "Export everything about a user (journal events as JSON lines, stores as Parquet) with a manifest of counts and sha256") { user, output };
        verb.SetAction((parse, cancellationToken) => NixhCommandLine.RunVerbAsync(parse, cancellationToken, "exported", async host =>
        {
            var folder = Path.GetFullPath(parse.GetRequiredValue(output));

            // On a data directory that holds nothing the host reads an empty scratch one (CliHost.StartForReaderAsync),
            // which the export checks against; the folder must still not be inside the directory the person named.
            NixHumanityFiles.EnsureOutsideDataDirectory("out", folder, host.DataDirectory);

            var manifest = await host.Client.ExportAsync(parse.GetRequiredValue(user), folder, cancellationToken);
            return new
            {
                userId = manifest.UserId,
                folder,
                counts = manifest.Counts,
                files = manifest.Files.Select(f => new { path = f.Path, bytes = f.Bytes, sha256 = f.Sha256 }).ToList(),
            };
        }));
        return verb;
    }
}
