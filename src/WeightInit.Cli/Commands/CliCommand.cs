using System.CommandLine;

namespace WeightInit.Cli.Commands;

/// <summary>One <c>weightinit</c> subcommand: declares its arguments and options and runs against a <see cref="CliContext"/>.</summary>
/// <remarks>
/// A subclass builds its <see cref="Command"/> in <see cref="Create"/> and does its work in the action it sets through
/// <see cref="SetAction"/>, which turns user errors (<see cref="ArgumentException"/>, <see cref="FormatException"/>,
/// <see cref="UsageException"/>) into one line on standard error and exit code 2.
/// </remarks>
internal abstract partial class CliCommand
{
    /// <summary>Builds the command for <paramref name="context"/>.</summary>
    public Command Build(CliContext context) => Create(context);

    /// <summary>Builds the command, its arguments, options and action.</summary>
    protected abstract Command Create(CliContext context);

    /// <summary>Sets <paramref name="run"/> as the command's action, reporting user errors without a stack trace.</summary>
    protected static void SetAction(Command command, CliContext context, Func<ParseResult, int> run) =>
        command.SetAction(parsed =>
        {
            try
            {
                return run(parsed);
            }
            catch (Exception e) when (IsUsageError(e))
            {
                context.Error.WriteLine($"error: {UserMessage(e)}");
                return ExitCodes.UsageError;
            }
        });

    /// <summary>The message of a user error, without the " (Parameter 'name')" that <see cref="ArgumentException"/> appends,
    /// also where a wrapping message repeats an inner one: the name is the library's, not the user's.
    /// The message is one line: <see cref="ArgumentOutOfRangeException"/>'s second line ("Actual value was …") goes too.</summary>
    internal static string UserMessage(Exception e)
    {
        string message = ActualValue().Replace(ParameterSuffix().Replace(e.Message, ""), "");
        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@" \(Parameter '[A-Za-z_][A-Za-z0-9_]*'\)")]
    private static partial System.Text.RegularExpressions.Regex ParameterSuffix();

    [System.Text.RegularExpressions.GeneratedRegex(@"\r?\nActual value was [^\r\n]*")]
    private static partial System.Text.RegularExpressions.Regex ActualValue();

    /// <summary>True for the exceptions that mean "bad input": the library's argument checks, format errors and <see cref="UsageException"/>.</summary>
    internal static bool IsUsageError(Exception e) => e is ArgumentException or FormatException or UsageException;
}
