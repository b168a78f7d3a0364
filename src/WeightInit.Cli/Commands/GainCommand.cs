using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using WeightInit.Gains;

namespace WeightInit.Cli.Commands;

/// <summary><c>weightinit gain [ACTIVATION] [--q 1.0]</c>: PyTorch's table gain beside the gains derived from Gaussian moments.</summary>
internal sealed class GainCommand : CliCommand
{
    /// <inheritdoc/>
    protected override Command Create(CliContext context)
    {
        var activation = new Argument<string?>("ACTIVATION")
        {
            Description = "Activation: name or name:parameter, e.g. relu, tanh, leaky_relu:0.2, gelu, swish. Omit it for every built-in activation.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var q = new Option<double>("--q") { Description = "Variance q of the activation's input z ~ N(0, q) (default 1).", DefaultValueFactory = _ => 1.0 };
        var json = new Option<bool>("--json") { Description = "Write the gains as JSON: [{activation, q, pytorch, secondMoment, variance, backward, linearRegime, mean, secondMomentOfActivation, notes}]." };
        var command = new Command("gain", "Gains for an activation: PyTorch's calculate_gain and the gains derived from Gaussian moments (second moment, variance, backward, linear regime).")
        {
            activation, q, json,
        };
        SetAction(command, context, parsed =>
        {
            double variance = parsed.GetValue(q);
            if (!double.IsFinite(variance) || variance <= 0) throw new UsageException($"--q must be a positive, finite variance; got {variance.ToString(CultureInfo.InvariantCulture)}.");
            var text = parsed.GetValue(activation);
            var activations = text is null ? Activation.Names.Select(Activation.Parse).ToList() : [Activation.Parse(text)];
            var rows = activations.Select(a => GainRow.For(a, variance)).ToList();
            if (parsed.GetValue(json)) context.Output.WriteLine(JsonSerializer.Serialize(rows, CliJson.Options));
            else Render(context.CreateConsole(), rows, variance);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Render(IAnsiConsole console, IReadOnlyList<GainRow> rows, double q)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("activation")
            .AddColumn(new TableColumn(Markup.Escape("PyTorch")).RightAligned())
            .AddColumn(new TableColumn(Markup.Escape("1/√E[φ²]")).RightAligned())
            .AddColumn(new TableColumn(Markup.Escape("1/√Var[φ]")).RightAligned())
            .AddColumn(new TableColumn(Markup.Escape("1/√E[φ′²]")).RightAligned())
            .AddColumn(new TableColumn(Markup.Escape("1/|φ′(0)|")).RightAligned())
            .AddColumn(new TableColumn(Markup.Escape("E[φ]")).RightAligned())
            .AddColumn(new TableColumn(Markup.Escape("E[φ²]")).RightAligned());
        foreach (var r in rows)
            table.AddRow(new Text(r.Activation), Cell(r.PyTorch), Cell(r.SecondMoment), Cell(r.Variance), Cell(r.Backward), Cell(r.LinearRegime), Cell(r.Mean), Cell(r.SecondMomentOfActivation));
        console.WriteLine($"z ~ N(0, {Number(q)}). A gain g gives Var(W) = g²/fan (Keras/JAX scale = g²).");
        console.Write(table);
        console.WriteLine("PyTorch: torch.nn.init.calculate_gain. 1/√E[φ²]: keeps the next pre-activation's variance (He et al. 2015); 1/√Var[φ]: the same when biases absorb E[φ];");
        console.WriteLine("1/√E[φ′²]: keeps the gradient's variance (fan_out); 1/|φ′(0)|: Glorot & Bengio's linear regime. — : does not exist (see the notes).");
        if (rows.Count == 1)
            foreach (var note in rows[0].Notes)
                console.WriteLine($"note: {note}");
    }

    private static Text Cell(double? x) => new(x is { } v ? Number(v) : "—");

    private static string Number(double x) => x.ToString("G9", CultureInfo.InvariantCulture);
}

/// <summary>Every gain of one activation at one input variance; a gain that does not exist is null and a note says why.</summary>
/// <param name="Activation">The canonical activation text (name or name:parameter).</param>
/// <param name="Q">The input variance q.</param>
/// <param name="PyTorch">torch.nn.init.calculate_gain (independent of q).</param>
/// <param name="SecondMoment">1/√E[φ(z)²].</param>
/// <param name="Variance">1/√Var[φ(z)].</param>
/// <param name="Backward">1/√E[φ′(z)²].</param>
/// <param name="LinearRegime">1/|φ′(0)| (independent of q).</param>
/// <param name="Mean">E[φ(z)].</param>
/// <param name="SecondMomentOfActivation">E[φ(z)²].</param>
/// <param name="Notes">Why a gain is missing.</param>
internal sealed record GainRow(
    string Activation, double Q, [property: JsonPropertyName("pytorch")] double? PyTorch, double? SecondMoment, double? Variance, double? Backward, double? LinearRegime,
    double? Mean, double? SecondMomentOfActivation, IReadOnlyList<string> Notes)
{
    /// <summary>Computes every gain of <paramref name="activation"/> at input variance <paramref name="q"/>.</summary>
    public static GainRow For(Activation activation, double q)
    {
        var notes = new List<string>();
        double? Try(string what, Func<double> f)
        {
            try
            {
                double x = f();
                return double.IsFinite(x) ? x : null;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                notes.Add($"{what}: {CliCommand.UserMessage(e)}");
                return null;
            }
        }
        return new GainRow(
            activation.ToString(), q,
            Try("PyTorch", () => Gain.PyTorch(activation)),
            Try("1/√E[φ²]", () => Gain.SecondMoment(activation, q)),
            Try("1/√Var[φ]", () => Gain.Variance(activation, q)),
            Try("1/√E[φ′²]", () => Gain.Backward(activation, q)),
            Try("1/|φ′(0)|", () => Gain.LinearRegime(activation)),
            Try("E[φ]", () => ActivationMoments.Mean(activation, q)),
            Try("E[φ²]", () => ActivationMoments.SecondMoment(activation, q)),
            notes);
    }
}
