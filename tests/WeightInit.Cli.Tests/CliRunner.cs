namespace WeightInit.Cli.Tests;

/// <summary>What one in-process run of the command line returned and wrote.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">Everything written to standard output.</param>
/// <param name="Error">Everything written to standard error.</param>
public sealed record CliRun(int ExitCode, string Output, string Error);

/// <summary>Runs <c>weightinit</c> in process with captured writers (the same entry point Program.cs calls).</summary>
public static class CliRunner
{
    /// <summary>Runs the command line <paramref name="args"/>.</summary>
    public static CliRun Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>True when <paramref name="text"/> looks like a .NET stack trace ("   at Namespace.Type.Method(").</summary>
    public static bool HasStackTrace(string text) => text.Contains("   at ", StringComparison.Ordinal);
}
