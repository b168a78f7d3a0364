using System.CommandLine;
using System.CommandLine.Invocation;
using WeightInit.Cli.Commands;

namespace WeightInit.Cli;

/// <summary>The <c>weightinit</c> command line: builds the command tree and runs it against given writers.</summary>
/// <remarks>
/// Exit codes: <see cref="ExitCodes.Success"/>, <see cref="ExitCodes.UsageError"/> for anything the user can fix
/// (bad arguments, unknown names: one line on standard error naming the problem and the valid choices, never a stack
/// trace), <see cref="ExitCodes.Failure"/> for a failure of the program itself.
/// </remarks>
internal static class CliApp
{
    /// <summary>Every command, in help order. Adding a command is one line here plus its file under Commands/.</summary>
    internal static IReadOnlyList<CliCommand> Commands { get; } =
    [
        new ListCommand(),
        new SampleCommand(),
        new FanCommand(),
        new GainCommand(),
        new BenchCommand(),
        new ReportCommand(),
        new AnalyzeCommand(),
        new InitCommand(),
        new VerifyCommand(),
        new TrainCommand(),
    ];

    /// <summary>Builds the root command for the given output and error writers.</summary>
    internal static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("weightinit: reproducible neural-network weight initialization (Philox4x32-10 keyed by seed and tensor name).");
        foreach (var command in Commands)
            root.Subcommands.Add(command.Build(context));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>, writing to <paramref name="output"/> and <paramref name="error"/>; returns the exit code.</summary>
    internal static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var context = new CliContext(output, error);
        var root = BuildRoot(context);
        var parsed = root.Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            // System.CommandLine's own error action exits with 1 and prints every error; one unknown word cascades into
            // several. A usage error here is 2 like every other, and one line: the first cause, with a suggestion.
            error.WriteLine($"error: {ParseErrorText.Of(parsed, CommandPath(parsed))}");
            return ExitCodes.UsageError;
        }
        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return parsed.Invoke(configuration);
        }
        catch (Exception e) when (CliCommand.IsUsageError(e))
        {
            error.WriteLine($"error: {CliCommand.UserMessage(e)}");
            return ExitCodes.UsageError;
        }
        catch (Exception e)
        {
            // Not the user's doing: the whole exception is what a bug report needs.
            error.WriteLine($"weightinit failed: {e}");
            return ExitCodes.Failure;
        }
    }

    internal static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var r = parsed.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Add(r.Command is RootCommand ? "weightinit" : r.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }
}

/// <summary>The process exit codes of <c>weightinit</c>.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The program failed for a reason of its own (a bug or the environment), not the user's input.</summary>
    public const int Failure = 1;

    /// <summary>The input was wrong: unknown command, option, name or value. The message names it and the valid choices.</summary>
    public const int UsageError = 2;
}
