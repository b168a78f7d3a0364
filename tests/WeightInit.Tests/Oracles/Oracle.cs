using System.Collections.Concurrent;
using System.Diagnostics;

namespace WeightInit.Tests.Oracles;

/// <summary>Outside references the tests compare against, found once per test run (results are cached).</summary>
/// <remarks>
/// A test that needs one is marked <see cref="OracleFactAttribute"/> / <see cref="OracleTheoryAttribute"/>: it is skipped
/// with the reason printed when the oracle is missing, except under CI=true, where it runs (and so fails loudly) instead,
/// because CI installs every oracle (.ci/run) and a skip there would hide a broken install.
/// </remarks>
public static class Oracle
{
    /// <summary>NumPy importable by <see cref="Python.Executable"/>.</summary>
    public const string Numpy = "numpy";
    /// <summary>SciPy importable by <see cref="Python.Executable"/>.</summary>
    public const string Scipy = "scipy";
    /// <summary>PyTorch importable by <see cref="Python.Executable"/>.</summary>
    public const string Torch = "torch";
    /// <summary>mpmath (arbitrary-precision arithmetic) importable by <see cref="Python.Executable"/>.</summary>
    public const string Mpmath = "mpmath";
    /// <summary>The onnx package (Debian's python3-onnx) importable by <see cref="Python.Executable"/>.</summary>
    public const string Onnx = "onnx";
    /// <summary>An <c>mpirun</c> executable on PATH.</summary>
    public const string Mpirun = "mpirun";
    /// <summary>Debian's <c>/usr/bin/chromium</c>.</summary>
    public const string Chromium = "chromium";
    /// <summary>The four Fashion-MNIST IDX files of Debian's <c>dataset-fashion-mnist</c> package.</summary>
    public const string FashionMnist = "fashion-mnist";

    /// <summary>Every oracle name the attributes accept.</summary>
    public static IReadOnlyList<string> Names { get; } = [Numpy, Scipy, Torch, Mpmath, Onnx, Mpirun, Chromium, FashionMnist];

    /// <summary>True when the environment variable CI is "true" (any case): oracle tests must run, never skip.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static readonly ConcurrentDictionary<string, Lazy<string?>> Cache = new();

    /// <summary>Null when the oracle is usable, otherwise why not.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static string? MissingReason(string name)
    {
        if (!Names.Contains(name))
            throw new ArgumentException($"Unknown oracle '{name}'; valid: {string.Join(", ", Names)}.", nameof(name));
        return Cache.GetOrAdd(name, n => new Lazy<string?>(() => Detect(n))).Value;
    }

    /// <summary>True when the oracle is usable.</summary>
    public static bool IsAvailable(string name) => MissingReason(name) is null;

    /// <summary>The skip reason for a test needing <paramref name="names"/>: null when all are present, or under CI=true.</summary>
    public static string? SkipReason(IEnumerable<string> names)
    {
        var missing = names.Select(n => (Name: n, Reason: MissingReason(n))).Where(m => m.Reason is not null).ToList();
        if (missing.Count == 0 || IsCi)
            return null;
        return "Oracle missing (set CI=true to make this a failure): " + string.Join("; ", missing.Select(m => $"{m.Name}: {m.Reason}"));
    }

    /// <summary>The Fashion-MNIST files that <c>dpkg -L dataset-fashion-mnist</c> lists and that exist (empty when not installed).</summary>
    public static IReadOnlyList<string> FashionMnistFiles()
    {
        var result = ProcessRunner.TryRun("dpkg", ["-L", "dataset-fashion-mnist"], null);
        if (result is not { ExitCode: 0 })
            return [];
        return result.Value.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(path => path.Contains("ubyte", StringComparison.Ordinal) && File.Exists(path))
            .ToList();
    }

    private static string? Detect(string name) => name switch
    {
        Numpy or Scipy or Torch or Mpmath or Onnx => DetectPythonModule(name),
        Mpirun => FindOnPath("mpirun") is null ? "mpirun is not on PATH" : null,
        Chromium => File.Exists("/usr/bin/chromium") ? null : "/usr/bin/chromium does not exist",
        FashionMnist => FashionMnistFiles().Count >= 4 ? null : "dpkg -L dataset-fashion-mnist lists fewer than the 4 IDX files (package not installed?)",
        _ => throw new ArgumentException($"Unknown oracle '{name}'.", nameof(name)),
    };

    private static string? DetectPythonModule(string module)
    {
        if (!File.Exists(Python.Executable))
            return $"{Python.Executable} does not exist";
        var result = ProcessRunner.TryRun(Python.Executable, ["-c", $"import {module}"], null);
        return result switch
        {
            null => $"{Python.Executable} could not be started",
            { ExitCode: 0 } => null,
            var r => $"{Python.Executable} cannot import {module}: {r.Value.StandardError.Trim().Split('\n').LastOrDefault()}",
        };
    }

    private static string? FindOnPath(string executable)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, executable);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}

/// <summary>A fact that needs outside oracles: skipped with a reason when one is missing, unless CI=true.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OracleFactAttribute : FactAttribute
{
    /// <summary>Marks a fact needing the named oracles (see <see cref="Oracle.Names"/>).</summary>
    public OracleFactAttribute(params string[] oracles)
    {
        Oracles = oracles;
        Skip = Oracle.SkipReason(oracles);
    }

    /// <summary>The oracles the test needs.</summary>
    public IReadOnlyList<string> Oracles { get; }
}

/// <summary>A theory that needs outside oracles: skipped with a reason when one is missing, unless CI=true.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OracleTheoryAttribute : TheoryAttribute
{
    /// <summary>Marks a theory needing the named oracles (see <see cref="Oracle.Names"/>).</summary>
    public OracleTheoryAttribute(params string[] oracles)
    {
        Oracles = oracles;
        Skip = Oracle.SkipReason(oracles);
    }

    /// <summary>The oracles the test needs.</summary>
    public IReadOnlyList<string> Oracles { get; }
}

/// <summary>Runs scripts with Debian's Python (which has NumPy and SciPy; the first python3 on PATH may not).</summary>
public static class Python
{
    /// <summary>The interpreter used for every oracle script.</summary>
    public const string Executable = "/usr/bin/python3";

    /// <summary>Runs <paramref name="script"/> (fed on standard input) and returns its standard output.</summary>
    /// <exception cref="InvalidOperationException">The interpreter could not start, exited non-zero (the message holds its standard error), or ran past 5 minutes.</exception>
    public static string Run(string script)
    {
        var result = ProcessRunner.TryRun(Executable, ["-"], script)
                     ?? throw new InvalidOperationException($"{Executable} could not be started (or ran past {ProcessRunner.Limit}).");
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{Executable} exited with code {result.ExitCode}:\n{result.StandardError}");
        return result.StandardOutput;
    }
}

internal static class ProcessRunner
{
    /// <summary>A safety net against a hung child process, not a timing assertion.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    public readonly record struct Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>Runs a program to completion; null when it cannot start or exceeds <see cref="Limit"/>.</summary>
    public static Result? TryRun(string fileName, IEnumerable<string> arguments, string? standardInput)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
        using (process)
        {
            // Read both streams concurrently so neither pipe can fill up and stall the child.
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (standardInput is not null)
                process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            return new Result(process.ExitCode, output.Result, error.Result);
        }
    }
}
