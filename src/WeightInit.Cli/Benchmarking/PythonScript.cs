using System.Diagnostics;

namespace WeightInit.Cli.Benchmarking;

/// <summary>Runs a Python script given on standard input (<c>python3 - ARGS</c>: no temporary file to clean up) and
/// collects its standard output, for the benchmarks that time NumPy and PyTorch in the same run.</summary>
internal static class PythonScript
{
    /// <summary>The outcome: the script's standard output, or null with a one-line reason it gave none.</summary>
    internal readonly record struct Result(string? Output, string? Problem);

    /// <summary>Runs <paramref name="script"/> under <paramref name="python"/> with <paramref name="arguments"/> and extra
    /// <paramref name="environment"/> variables; a run past <paramref name="timeout"/> is killed with its children.</summary>
    public static Result Run(string python, string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        if (!File.Exists(python)) return new(null, $"{python} does not exist");
        try
        {
            var start = new ProcessStartInfo(python)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-");
            foreach (var a in arguments) start.ArgumentList.Add(a);
            foreach (var (name, value) in environment) start.Environment[name] = value;
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}.");
            process.StandardInput.Write(script);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return new(null, $"timed out after {timeout.TotalMinutes:0.#} min");
            }
            if (process.ExitCode != 0)
                return new(null, $"{python} exited {process.ExitCode}: {LastLine(stderr.Result)}");
            return new(stdout.Result, null);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return new(null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The text of a script embedded in this assembly under Benchmarking/ (for example "compare.py").</summary>
    public static string Embedded(string fileName)
    {
        using var stream = typeof(PythonScript).Assembly.GetManifestResourceStream("WeightInit.Cli.Benchmarking." + fileName)
            ?? throw new InvalidOperationException($"{fileName} is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no message)";
}
