namespace WeightInit.Cli.Tests;

/// <summary>The project's bad-input promise, checked for one command line: exit code 2, exactly one <c>error: …</c> line on
/// standard error that names the problem, no stack trace or exception text, and nothing left in the scratch directory.</summary>
/// <remarks>A table of cases is a <c>TheoryData&lt;string[], string&gt;</c> of (arguments, text the error must name); the
/// token <see cref="Scratch"/> in an argument becomes a fresh empty directory for that case, removed afterwards.</remarks>
public static class BadInput
{
    /// <summary>Stands for the case's scratch directory inside an argument, e.g. <c>"{scratch}/w.npy"</c>.</summary>
    public const string Scratch = "{scratch}";

    /// <summary>Runs <paramref name="args"/> in process and asserts the promise; <paramref name="named"/> must occur in the error line.</summary>
    public static CliRun AssertRefused(string[] args, string named)
    {
        string scratch = Path.Combine(Path.GetTempPath(), $"weightinit-bad-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var run = CliRunner.Run([.. args.Select(a => a.Replace(Scratch, scratch, StringComparison.Ordinal))]);
            string context = $"weightinit {string.Join(' ', args)}\nexit {run.ExitCode}\nstderr: {run.Error}";
            Assert.True(run.ExitCode == ExitCodes.UsageError, context);
            var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.True(lines.Length == 1, $"expected one line on stderr; {context}");
            Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
            Assert.True(lines[0].Contains(named, StringComparison.Ordinal), $"the error should name '{named}'; {context}");
            Assert.False(CliRunner.HasStackTrace(run.Error), context);
            Assert.DoesNotContain("Exception", run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("(Parameter '", run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("Actual value was", run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", run.Error, StringComparison.Ordinal);
            Assert.True(Directory.GetFileSystemEntries(scratch).Length == 0,
                $"left behind: {string.Join(", ", Directory.GetFileSystemEntries(scratch, "*", SearchOption.AllDirectories))}; {context}");
            return run;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
