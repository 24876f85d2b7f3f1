using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace NixHumanity.Cli;

/// <summary>Writes a verb's result either as one JSON object on stdout or as a readable table.</summary>
internal static class CliOutput
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Prints <paramref name="result"/> as JSON when <paramref name="json"/> is set, else as a two-column table.</summary>
    public static void Write(bool json, object result, string title)
    {
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(result, result.GetType(), JsonOptions));
            return;
        }

        var table = new Table().Title(title).AddColumn("field").AddColumn("value");
        using var document = JsonSerializer.SerializeToDocument(result, result.GetType(), JsonOptions);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            table.AddRow(Markup.Escape(property.Name), Markup.Escape(property.Value.ToString()));
        }

        AnsiConsole.Write(table);
    }

    /// <summary>One line on stderr.</summary>
    public static void Error(string message) => Console.Error.WriteLine($"nixh: {message.ReplaceLineEndings(" ")}");
}
