using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using WeightInit.Shapes;

namespace WeightInit.Cli.Commands;

/// <summary><c>weightinit fan --shape .. --layout ..</c>: exact fans of a stated layout, beside what each library's convention computes.</summary>
internal sealed class FanCommand : CliCommand
{
    /// <inheritdoc/>
    protected override Command Create(CliContext context)
    {
        var shape = new Option<string>("--shape") { Description = "Weight shape, e.g. [64,1,3,3] or 3x3x64x128.", Required = true };
        var layout = new Option<string>("--layout") { Description = "Axis layout (stated, never guessed): OutInKernel (PyTorch), KernelInOut (Keras), InOutKernel, KernelOutIn, KernelInMultiplier, OutIn, InOut.", Required = true };
        var groups = new Option<int>("--groups") { Description = "Convolution groups.", DefaultValueFactory = _ => 1 };
        var convention = new Option<string?>("--convention") { Description = "Show only this library's fans beside the exact ones: pytorch, keras, jax, caffe, mxnet (default: all)." };
        var command = new Command("fan", "Fan-in and fan-out of a weight tensor: exact for the stated layout and groups, and as PyTorch, Keras, JAX, Caffe and MXNet compute them.")
        {
            shape, layout, groups, convention,
        };
        SetAction(command, context, parsed =>
        {
            var weightLayout = WeightLayouts.Parse(parsed.GetValue(layout)!);
            var conventionText = parsed.GetValue(convention);
            FanConvention? only = conventionText is null ? null : FanConventions.Parse(conventionText);
            var weightShape = WeightShape.Parse(parsed.GetValue(shape)!, weightLayout, parsed.GetValue(groups));
            Write(context.CreateConsole(), weightShape.Dimensions.ToArray(), weightLayout, weightShape.Groups, conventionText is null ? null : [only]);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Write(IAnsiConsole console, int[] dimensions, WeightLayout layout, int groups, FanConvention?[]? conventions)
    {
        var exact = FanCalculator.Compute(dimensions, layout, groups);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("rule").AddColumn(new TableColumn("fan_in").RightAligned())
            .AddColumn(new TableColumn("fan_out").RightAligned()).AddColumn(new TableColumn("fan_avg").RightAligned()).AddColumn("vs exact");
        table.AddRow(new Text($"exact ({layout}, groups {groups})"), new Text(Number(exact.FanIn)), new Text(Number(exact.FanOut)), new Text(Number(exact.Average)), new Text(""));
        foreach (var convention in conventions ?? Enum.GetValues<FanConvention>().Select(c => (FanConvention?)c).ToArray())
        {
            if (convention is not { } c) continue;
            string label = c.ToString().ToLowerInvariant();
            try
            {
                var fans = FanCalculator.Compute(dimensions, c);
                table.AddRow(new Text(label), new Text(Number(fans.FanIn)), new Text(Number(fans.FanOut)), new Text(Number(fans.Average)), new Text(Compare(fans, exact)));
            }
            catch (ArgumentException e)
            {
                table.AddRow(new Text(label), new Text("—"), new Text("—"), new Text("—"), new Text($"error in that library: {e.Message}"));
            }
        }
        console.WriteLine($"shape [{string.Join(", ", dimensions)}]");
        console.Write(table);
    }

    private static string Compare(Fans fans, Fans exact)
    {
        if (fans == exact) return "same";
        var parts = new List<string>();
        if (fans.FanIn != exact.FanIn) parts.Add($"fan_in ×{Number(fans.FanIn / exact.FanIn)}");
        if (fans.FanOut != exact.FanOut) parts.Add($"fan_out ×{Number(fans.FanOut / exact.FanOut)}");
        return string.Join(", ", parts);
    }

    private static string Number(double x) => x.ToString("G10", CultureInfo.InvariantCulture);
}
