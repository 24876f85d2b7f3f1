using System.Text.Json;
using System.Text.Json.Serialization;

namespace NixHumanity.Actors.Infrastructure.Serialization;

/// <summary>
/// Reads a JSON value declared as <see cref="object"/> (the cells of an analytics row) back as the primitive it was:
/// whole numbers as <see cref="long"/>, other numbers as <see cref="double"/>, strings, booleans and null; anything else
/// stays a <see cref="JsonElement"/>. Without it every cell would arrive as a <see cref="JsonElement"/>.
/// </summary>
internal sealed class PrimitiveObjectConverter : JsonConverter<object>
{
    /// <inheritdoc />
    public override object? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt64(out var whole) => whole,
        JsonTokenType.Number => reader.GetDouble(),
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => null,
        _ => JsonElement.ParseValue(ref reader),
    };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, object value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, value.GetType(), options);
}
