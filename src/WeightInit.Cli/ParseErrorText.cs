using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using WeightInit.Naming;

namespace WeightInit.Cli;

/// <summary>The one line a command-line parse error gets: the first cause (an unknown word before what it made
/// missing), a "did you mean" for a near miss, the valid choices, in words rather than .NET type names.</summary>
internal static partial class ParseErrorText
{
    /// <summary>The line for <paramref name="parsed"/>, whose command path is <paramref name="path"/>.</summary>
    public static string Of(ParseResult parsed, string path)
    {
        var command = parsed.CommandResult.Command;
        var optionNames = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).ToHashSet(StringComparer.Ordinal);
        // An unknown "--word" taken as the value of an optional argument makes the next word the unmatched one: name the cause.
        string? unknownOption = command.Subcommands.Count > 0 ? null : parsed.Tokens.FirstOrDefault(t => t.Type == TokenType.Argument && t.Value.StartsWith("--", StringComparison.Ordinal)
            && t.Value.Length > 2 && !optionNames.Contains(t.Value))?.Value;
        if (parsed.UnmatchedTokens.Count > 0 || unknownOption is not null)
        {
            string token = unknownOption ?? parsed.UnmatchedTokens[0];
            if (token.StartsWith('-'))
            {
                var options = command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Distinct().ToList();
                var shown = command.Options.Where(o => !o.Hidden && o.Name.StartsWith("--", StringComparison.Ordinal)).Select(o => o.Name).ToList();
                return $"unknown option '{token}' for '{path}'.{Vocabulary.DidYouMean(token, options)} Valid options: {string.Join(", ", shown)} (see '{path} --help').";
            }
            var commands = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            if (commands.Count > 0)
                return $"unknown command '{token}'.{Vocabulary.DidYouMean(token, commands)} Valid commands: {string.Join(", ", commands)} (see '{path} --help').";
            return $"unexpected argument '{token}' for '{path}'; run '{path} --help' for its arguments and options.";
        }
        if (command is RootCommand && command.Subcommands.Count > 0 && parsed.Tokens.Count == 0)
            return $"no command given. Valid commands: {string.Join(", ", command.Subcommands.Select(c => c.Name))} (see '{path} --help').";
        var missing = command.Arguments.Where(a => !a.Hidden && a.Arity.MinimumNumberOfValues > 0 && parsed.GetResult(a) is not { Tokens.Count: > 0 })
            .Select(a => a.Name)
            .Concat(command.Options.Where(o => o.Required && parsed.GetResult(o) is not { Tokens.Count: > 0 }).Select(o => o.Name))
            .ToList();
        if (missing.Count > 0)
            return $"missing {string.Join(" and ", missing)} (see '{path} --help').";
        string message = parsed.Errors.Count > 0 ? parsed.Errors[0].Message : "the command line could not be read";
        return Plain(message) + $" (see '{path} --help')";
    }

    /// <summary>A System.CommandLine message without .NET type names: "as expected type 'System.Int32'" becomes "as an integer".</summary>
    internal static string Plain(string message) => TypeName().Replace(message, m => m.Groups[1].Value switch
    {
        "System.Int32" => "as an integer (−2,147,483,648 to 2,147,483,647)",
        "System.Int64" => "as a 64-bit integer",
        "System.UInt64" => "as a non-negative integer below 2^64",
        "System.UInt32" => "as a non-negative integer below 2^32",
        "System.Double" or "System.Single" => "as a number",
        "System.Boolean" => "as true or false",
        _ => "in the form the option takes",
    });

    [GeneratedRegex(@"as expected type '([A-Za-z0-9_.]+)'")]
    private static partial Regex TypeName();
}
