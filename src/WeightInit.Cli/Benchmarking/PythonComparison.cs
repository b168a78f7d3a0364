using System.Diagnostics;
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
        if (!File.Exists(python))
            return new ExternalRun(new ExternalLibrary(library, false, null, null, null, $"{python} does not exist"), empty);
        try
        {
            var start = new ProcessStartInfo(python)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "-", library, settings.Size.ToString(), settings.Threads.ToString(), settings.Repetitions.ToString(), settings.Type.Name() })
                start.ArgumentList.Add(a);
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}.");
            // The script goes in on standard input ("python3 - args"): no temporary file to clean up.
            process.StandardInput.Write(ReadScript());
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return new ExternalRun(new ExternalLibrary(library, false, null, null, null, $"timed out after {Timeout.TotalMinutes} min"), empty);
            }
            if (process.ExitCode != 0)
                return new ExternalRun(new ExternalLibrary(library, false, null, null, null, $"{python} exited {process.ExitCode}: {LastLine(stderr.Result)}"), empty);
            return Parse(library, stdout.Result);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or JsonException or InvalidOperationException or KeyNotFoundException)
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

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no message)";

    private static string ReadScript()
    {
        using var stream = typeof(PythonComparison).Assembly.GetManifestResourceStream("WeightInit.Cli.Benchmarking.compare.py")
            ?? throw new InvalidOperationException("compare.py is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
