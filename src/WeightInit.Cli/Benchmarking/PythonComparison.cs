using WeightInit.IO;
using System.Text.Json;

namespace WeightInit.Cli.Benchmarking;

/// <summary>One outside library's run of compare.py: what it is and its measured cases.</summary>
/// <param name="Library">What was found (or why not).</param>
/// <param name="Cases">Case name → (call, elements, best seconds or null, error or null).</param>
internal sealed record ExternalRun(ExternalLibrary Library, IReadOnlyDictionary<string, (string Call, long Elements, double? Seconds, string? Error)> Cases);

/// <summary>Runs NumPy and PyTorch fills as subprocesses of a Python interpreter (the embedded compare.py) and reads their timings.</summary>
internal static class PythonComparison
{
    /// <summary>Debian's interpreter, which has NumPy and, when installed, PyTorch (the pyenv python first on PATH has neither).</summary>
    public const string DefaultPython = "/usr/bin/python3";

    /// <summary>Longest a library's run may take before it is stopped and reported as timed out.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>Runs compare.py for <paramref name="library"/> (numpy or torch) with the same size, threads, repetitions and dtype.</summary>
    public static ExternalRun Run(string python, string library, BenchSettings settings)
    {
        var empty = new Dictionary<string, (string, long, double?, string?)>();
        var run = PythonScript.Run(python, PythonScript.Embedded("compare.py"),
            [library, settings.Size.ToString(), settings.Threads.ToString(), settings.Repetitions.ToString(), settings.Type.ShortName()],
            new Dictionary<string, string>(), Timeout);
        if (run.Output is null)
            return new ExternalRun(new ExternalLibrary(library, false, null, null, null, run.Problem), empty);
        try
        {
            return Parse(library, run.Output);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return new ExternalRun(new ExternalLibrary(library, false, null, null, null, $"{e.GetType().Name}: {e.Message}"), empty);
        }
    }

    private static ExternalRun Parse(string library, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        string? version = String(root, "version");
        var cases = new Dictionary<string, (string, long, double?, string?)>();
        foreach (var r in root.GetProperty("results").EnumerateArray())
        {
            double? seconds = r.GetProperty("seconds").ValueKind == JsonValueKind.Number ? r.GetProperty("seconds").GetDouble() : null;
            cases[r.GetProperty("case").GetString()!] = (r.GetProperty("call").GetString()!, r.GetProperty("elements").GetInt64(), seconds, String(r, "error"));
        }
        int? threads = root.GetProperty("threads").ValueKind == JsonValueKind.Number ? root.GetProperty("threads").GetInt32() : null;
        return new ExternalRun(new ExternalLibrary(library, version is not null, version, threads, String(root, "dtype"), String(root, "note")), cases);
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
