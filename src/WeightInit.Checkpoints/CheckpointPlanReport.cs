using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using WeightInit.IO;
using WeightInit.Shapes;

namespace WeightInit.Checkpoints;

/// <summary>One field a source adds to each tensor's line of the plan (ONNX: the consuming op), by tensor name.</summary>
/// <param name="Name">The JSON key and column heading.</param>
/// <param name="ValueOf">The value for a tensor, or null to leave it out.</param>
public sealed record PlanField(string Name, Func<CheckpointTensor, string?> ValueOf);

/// <summary>The <c>init --plan</c> printout of a <see cref="CheckpointPlan"/>: every tensor's name, shape, dtype, role, initializer
/// and fans, and the totals; as an aligned table or as JSON. The one place a plan is printed.</summary>
/// <remarks>
/// JSON: <c>{"parameters": N, "bytes": N, "tensors": [{"name", "shape", "dtype", "role", "init", "fan_in", "fan_out", …}]}</c>, where
/// dtype is the safetensors code (F32, BF16, …), role the spec spelling (linear, bias, …), fans those the initializer sees for the
/// tensor's stated layout (null for tensors below two dimensions, which have none), and … the <see cref="PlanField"/>s given.
/// </remarks>
public static class CheckpointPlanReport
{
    /// <summary>The fans the initializer sees, or null when the shape has none (rank below 2, a zero dimension).</summary>
    public static Fans? FansOf(CheckpointTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Dimensions.Count < 2 || tensor.Dimensions.Any(d => d <= 0)) return null;
        try { return tensor.Shape.Fans; }
        catch (ArgumentException) { return null; }
    }

    /// <summary>The plan as JSON (indented, final newline).</summary>
    public static string ToJson(CheckpointPlan plan, IReadOnlyList<PlanField>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("parameters", plan.ParameterCount);
            w.WriteNumber("bytes", plan.ByteLength);
            w.WriteStartArray("tensors");
            foreach (var t in plan.Tensors)
            {
                w.WriteStartObject();
                w.WriteString("name", t.Name);
                w.WriteStartArray("shape");
                foreach (int d in t.Dimensions) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteString("dtype", t.DType.SafetensorsName());
                w.WriteString("role", t.Role.Name());
                w.WriteString("init", t.Initializer);
                var fans = FansOf(t);
                if (fans is { } f) { w.WriteNumber("fan_in", f.FanIn); w.WriteNumber("fan_out", f.FanOut); }
                else { w.WriteNull("fan_in"); w.WriteNull("fan_out"); }
                foreach (var field in fields ?? [])
                    if (field.ValueOf(t) is { } v) w.WriteString(field.Name, v);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>The plan as an aligned text table, one tensor a line, then the totals.</summary>
    public static string ToText(CheckpointPlan plan, IReadOnlyList<PlanField>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var extra = fields ?? [];
        string[] head = ["name", "shape", "dtype", "role", .. extra.Select(f => f.Name), "fan_in", "fan_out", "init"];
        var rows = new List<string[]> { head };
        foreach (var t in plan.Tensors)
        {
            var fans = FansOf(t);
            rows.Add([t.Name, "[" + string.Join(", ", t.Dimensions) + "]", t.DType.SafetensorsName(), t.Role.Name(),
                .. extra.Select(f => f.ValueOf(t) ?? "-"), fans is { } a ? Int(a.FanIn) : "-", fans is { } b ? Int(b.FanOut) : "-", t.Initializer]);
        }
        var widths = Enumerable.Range(0, head.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var r in rows)
            sb.Append(string.Join("  ", r.Select((c, i) => i == r.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd()).Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"{plan.Tensors.Count} tensors, {plan.ParameterCount:N0} parameters, {plan.ByteLength:N0} bytes\n");
        return sb.ToString();
    }

    private static string Int(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
