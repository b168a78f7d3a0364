using System.Text.Encodings.Web;
using System.Text.Json;

namespace WeightInit.Cli;

/// <summary>The JSON settings every <c>--json</c> output uses: indented, camelCase, nulls written, non-ASCII formula symbols kept readable.</summary>
internal static class CliJson
{
    /// <summary>The shared serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
