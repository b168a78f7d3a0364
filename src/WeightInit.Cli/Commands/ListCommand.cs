using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using WeightInit.Initializers;

namespace WeightInit.Cli.Commands;

/// <summary><c>weightinit list [--json]</c>: the initializer catalogue (name, aliases, formula, parameters).</summary>
internal sealed class ListCommand : CliCommand
{
    /// <inheritdoc/>
    protected override Command Create(CliContext context)
    {
        var json = new Option<bool>("--json") { Description = "Write the catalogue as JSON: [{name, aliases, formula, parameters: [{name, aliases, default, description}]}]." };
        var command = new Command("list", "List every initializer: canonical name, aliases, formula and parameters.") { json };
        SetAction(command, context, parsed =>
        {
            if (parsed.GetValue(json)) WriteJson(context.Output);
            else WriteTable(context.CreateConsole());
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteTable(IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("name").AddColumn("aliases").AddColumn("formula").AddColumn("parameters (default)");
        foreach (var info in InitializerRegistry.All)
            table.AddRow(
                new Text(info.Name),
                new Text(string.Join(", ", info.Aliases)),
                new Text(info.Summary),
                new Text(string.Join("\n", info.Parameters.Select(FormatParameter))));
        console.Write(table);
        console.WriteLine($"{InitializerRegistry.All.Count} initializers. Spec syntax: name(key=value, …), e.g. kaiming_normal(a=0.25, mode=fan_out).");
    }

    private static string FormatParameter(InitializerParameter p) =>
        (p.Aliases.Count == 0 ? p.Name : $"{p.Name} ({string.Join(", ", p.Aliases)})") + $" = {p.Default}: {p.Description}";

    private static void WriteJson(TextWriter output)
    {
        var entries = InitializerRegistry.All.Select(info => new
        {
            name = info.Name,
            aliases = info.Aliases,
            formula = info.Summary,
            parameters = info.Parameters.Select(p => new { name = p.Name, aliases = p.Aliases, @default = p.Default, description = p.Description }),
        });
        output.WriteLine(JsonSerializer.Serialize(entries, CliJson.Options));
    }
}
