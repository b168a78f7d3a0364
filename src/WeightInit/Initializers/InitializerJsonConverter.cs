using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WeightInit.Initializers;

/// <summary>JSON form of an initializer: written as its spec string; read from a spec string or from an object
/// <c>{"name": "kaiming_normal", "mode": "fan_out", "a": 0.2}</c> (argument values may be numbers, strings or booleans).</summary>
public sealed class InitializerJsonConverter : JsonConverter<Initializer>
{
    /// <inheritdoc/>
    public override Initializer Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return Parse(reader.GetString()!);
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("An initializer is a spec string (\"he_normal(mode=fan_out)\") or an object with a \"name\" and its arguments.");
        string? name = null;
        var args = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string key = reader.GetString()!;
            reader.Read();
            string value = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Number => reader.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                JsonTokenType.True => "true",
                JsonTokenType.False => "false",
                _ => throw new JsonException($"Initializer argument '{key}' must be a number, a string or a boolean."),
            };
            if (key == "name") name = value; else args.Add($"{key}={value}");
        }
        if (name is null) throw new JsonException("An initializer object needs a \"name\".");
        return Parse(args.Count == 0 ? name : $"{name}({string.Join(", ", args)})");
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, Initializer value, JsonSerializerOptions options) => writer.WriteStringValue(value.Spec);

    private static Initializer Parse(string spec)
    {
        try { return InitializerRegistry.Parse(spec); }
        catch (ArgumentException e) { throw new JsonException(e.Message, e); }
    }
}
