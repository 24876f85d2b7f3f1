using System.Text.Json.Serialization;
using System.Text.Json;
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
        if (result is Tabular tabular)
        {
            WriteTabular(json, tabular, title);
            return;
        }

        if (json)
        {
            ResultOutput.Writer.WriteLine(JsonSerializer.Serialize(result, result.GetType(), JsonOptions));
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

    private static void WriteTabular(bool json, Tabular tabular, string title)
    {
        if (json)
        {
            ResultOutput.Writer.WriteLine(JsonSerializer.Serialize(tabular.Json, tabular.Json.GetType(), JsonOptions));
            return;
        }

        var table = new Table().Title(Markup.Escape(title));
        foreach (var column in tabular.Columns)
        {
            table.AddColumn(Markup.Escape(column));
        }

        foreach (var row in tabular.Rows)
        {
            table.AddRow(tabular.Columns.Select(c => Markup.Escape(Format(row.GetValueOrDefault(c)))).ToArray());
        }

        AnsiConsole.Write(table);
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture),
        float f => f.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>One line on stderr, with control and format characters escaped (<see cref="Printable"/>).</summary>
    public static void Error(string message) => Console.Error.WriteLine($"nixh: {Printable(message.ReplaceLineEndings(" "))}");

    /// <summary>
    /// <paramref name="text"/> with every control character, format character (bidirectional overrides, zero-width
    /// marks) and lone surrogate written as <c>\uXXXX</c>: a message may quote a path, a symbolic link's target or a
    /// value typed by someone else, and raw escape sequences would act on the terminal. A tab is escaped too: in a
    /// quoted value it would pass for spaces and hide what was typed.
    /// </summary>
    public static string Printable(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c) ||
                char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

/// <summary>
/// A result that prints as one JSON object (<see cref="Json"/>) with <c>--json</c>, and otherwise as a table of
/// <see cref="Rows"/> with the given <see cref="Columns"/>.
/// </summary>
internal sealed record Tabular(object Json, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows);
