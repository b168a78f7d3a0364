using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using WeightInit.IO;
using WeightInit.Numerics;
using WeightInit.Initializers;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Cli.Commands;

/// <summary><c>weightinit sample SPEC --shape [..]</c>: the first values of a tensor and/or its statistics against the distribution's exact moments.</summary>
internal sealed class SampleCommand : CliCommand
{
    /// <summary>Values printed when --count is not given.</summary>
    private const int DefaultCount = 8;

    /// <inheritdoc/>
    protected override Command Create(CliContext context)
    {
        var spec = new Argument<string>("SPEC") { Description = "Initializer spec, e.g. glorot_uniform or kaiming_normal(a=0.25, mode=fan_out); see 'weightinit list'." };
        var shape = new Option<string>("--shape") { Description = "Tensor shape, e.g. [256,128,3,3] or 256x128x3x3.", Required = true };
        var layout = new Option<string>("--layout") { Description = "Axis layout: OutInKernel (PyTorch), KernelInOut (Keras), InOutKernel, KernelOutIn, KernelInMultiplier, OutIn, InOut.", DefaultValueFactory = _ => "OutInKernel" };
        var groups = new Option<int>("--groups") { Description = "Convolution groups.", DefaultValueFactory = _ => 1 };
        var dtype = new Option<string>("--dtype") { Description = "Element type: f32, f64, f16 or bf16.", DefaultValueFactory = _ => "f32" };
        var seed = new Option<ulong>("--seed") { Description = "64-bit seed.", DefaultValueFactory = _ => 0UL };
        var name = new Option<string?>("--name") { Description = "Tensor name folded into the key (PhiloxKey.FromSeed(seed).Fold(name)); without it the seed's key is used as is." };
        var count = new Option<int>("--count") { Description = $"How many leading values to print (default {DefaultCount}; 0 for none).", DefaultValueFactory = _ => DefaultCount };
        var stats = new Option<bool>("--stats") { Description = "Fill the whole tensor and print mean, std, min, max against the exact expectation and variance." };
        var threads = new Option<int>("--threads") { Description = "Threads for the fill (0: all cores); never changes a value.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Write the whole tensor to this .npy file (streamed; written atomically: no partial file on failure)." };
        var command = new Command("sample", "Fill a tensor with an initializer and print its first values and/or statistics.")
        {
            spec, shape, layout, groups, dtype, seed, name, count, stats, threads, output,
        };
        SetAction(command, context, parsed => Run(context, new SampleRequest(
            parsed.GetValue(spec)!, parsed.GetValue(shape)!, parsed.GetValue(layout)!, parsed.GetValue(groups), parsed.GetValue(dtype)!,
            parsed.GetValue(seed), parsed.GetValue(name), parsed.GetValue(count), parsed.GetValue(stats), parsed.GetValue(threads), parsed.GetValue(output))));
        return command;
    }

    private sealed record SampleRequest(string Spec, string Shape, string Layout, int Groups, string DType, ulong Seed, string? Name, int Count, bool Stats, int Threads, string? Out);

    private static int Run(CliContext context, SampleRequest request)
    {
        if (request.Count < 0) throw new UsageException($"--count must be ≥ 0; got {request.Count}.");
        if (request.Threads < 0) throw new UsageException($"--threads must be ≥ 0 (0: all cores); got {request.Threads}.");
        var initializer = InitializerRegistry.Parse(request.Spec);
        var shape = WeightShape.Parse(request.Shape, WeightLayouts.Parse(request.Layout), request.Groups);
        var type = TensorDTypes.Parse(request.DType);
        var key = request.Name is null ? PhiloxKey.FromSeed(request.Seed) : PhiloxKey.FromSeed(request.Seed).Fold(request.Name);
        bool empty = shape.ElementCount == 0;
        // An empty tensor is valid input and filling it is a no-op (as torch.nn.init on a tensor with a zero dimension):
        // it has no fans, and no law is drawn from.
        var distribution = empty ? null : initializer.DistributionFor(shape);
        long filled = request.Stats ? shape.ElementCount : Math.Min(request.Count, shape.ElementCount);
        if (filled > Array.MaxLength)
            throw new UsageException(request.Stats
                ? $"--stats fills the whole tensor in memory; {shape} has {shape.ElementCount} elements, more than the {Array.MaxLength} an array holds."
                : $"--count {request.Count} prints {filled} elements of {shape}, more than the {Array.MaxLength} an array holds; give --count at most {Array.MaxLength}.");
        // The initializer checks the shape when it fills: fill at least one element, whatever --count, so that a shape it
        // refuses is refused before anything is printed or written.
        var buffer = new ElementBuffer(type, (int)Math.Max(filled, empty ? 0 : 1));
        var options = new SamplingOptions { MaxThreads = request.Threads };
        buffer.Fill(initializer, key, shape, 0, options);

        if (request.Out is { } path) WriteNpy(context, path, request, initializer, key, shape, type, options);

        var o = context.Output;
        o.WriteLine($"initializer   {initializer.Spec}");
        o.WriteLine($"shape         {shape} {shape.Layout}, groups {shape.Groups}, {Count(shape.ElementCount)} elements; {DescribeFans(shape)}");
        o.WriteLine($"key           seed {request.Seed}{(request.Name is null ? "" : $", name \"{request.Name}\"")} → {key}");
        o.WriteLine($"dtype         {type.ShortName()}");
        o.WriteLine($"distribution  {(empty ? "none: the tensor is empty, so the fill is a no-op (as in PyTorch)" : distribution is null ? "none (structured initializer: elements are not drawn independently)" : LawText.Of(distribution))}");
        int shown = (int)Math.Min(request.Count, shape.ElementCount);
        if (shown > 0)
        {
            o.WriteLine($"values        elements 0…{shown - 1}:");
            for (int i = 0; i < shown; i++)
                o.WriteLine($"[{i}] {buffer.Format(i)}");
        }
        if (request.Stats) WriteStatistics(context.CreateConsole(), buffer, distribution);
        return ExitCodes.Success;
    }

    private static void WriteNpy(CliContext context, string path, SampleRequest request, Initializer initializer, PhiloxKey key, WeightShape shape, TensorDType type, SamplingOptions options)
    {
        if (!path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) throw new UsageException($"--out must name a .npy file; got '{path}'.");
        if (!type.HasNumpyDescr())
            throw new UsageException($"NumPy has no {type} type: write bfloat16 with 'weightinit init --format safetensors', or choose --dtype f32.");
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"--out '{path}' is not a usable path.");
        }
        string directory = Path.GetDirectoryName(full)!;
        if (File.Exists(directory))
            throw new UsageException($"--out '{path}': '{directory}' is a file, not a directory.");
        if (!Directory.Exists(directory))
            throw new UsageException($"--out '{path}': the directory '{directory}' does not exist.");
        try
        {
            NpyWriter.WriteFile(full, InitializerTensors.Source(request.Name ?? "tensor", initializer, key, shape, type, options));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw WriteFailure.Describe(path, e);
        }
        context.Error.WriteLine($"wrote {full} ({shape.ElementCount} elements, {type})");
    }

    private static string DescribeFans(WeightShape shape)
    {
        if (shape.ElementCount == 0) return "no fans (the tensor is empty)";
        try
        {
            var fans = shape.Fans;
            return $"fan_in {Number(fans.FanIn)}, fan_out {Number(fans.FanOut)}";
        }
        catch (ArgumentException e)
        {
            return $"no fans ({CliCommand.UserMessage(e)})";
        }
    }

    /// <summary>An element count as a plain integer (never in E-notation).</summary>
    private static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static void WriteStatistics(IAnsiConsole console, ElementBuffer buffer, Distribution? distribution)
    {
        int n = buffer.Length;
        if (n == 0) { console.WriteLine("statistics    none: the tensor has no elements."); return; }
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double x = buffer[i];
            sum += x;
            if (x < min) min = x;
            if (x > max) max = x;
        }
        double mean = sum / n, squares = 0;
        for (int i = 0; i < n; i++) { double d = buffer[i] - mean; squares += d * d; }
        double variance = n > 1 ? squares / (n - 1) : 0;

        var table = new Table().Border(TableBorder.Simple).AddColumn("statistic").AddColumn(new TableColumn("measured").RightAligned())
            .AddColumn(new TableColumn("expected").RightAligned()).AddColumn("check");
        string expectedMin = "", expectedMax = "";
        if (distribution is UniformDistribution u) { expectedMin = $"≥ {Number(u.Low)}"; expectedMax = $"< {Number(u.High)}"; }
        else if (distribution is TruncatedNormalDistribution t) { expectedMin = $"> {Number(t.AbsoluteLower)}"; expectedMax = $"< {Number(t.AbsoluteUpper)}"; }
        if (distribution is null)
        {
            table.AddRow("mean", Number(mean), "", "");
            table.AddRow("std", Number(Math.Sqrt(variance)), "", "");
            table.AddRow("variance", Number(variance), "", "");
        }
        else
        {
            // The mean of n independent draws has standard error σ/√n; the sample variance has relative standard error
            // √(2/(n−1)) for a normal parent (an indication only for other parents).
            double standardError = Math.Sqrt(distribution.Variance / n);
            string meanCheck = standardError > 0 ? $"z = {(mean - distribution.Expectation) / standardError:F2}" : (mean == distribution.Expectation ? "exact" : "differs");
            string varianceCheck = distribution.Variance > 0 ? $"ratio {variance / distribution.Variance:F4} (±{Math.Sqrt(2.0 / Math.Max(n - 1, 1)):F4} for a normal)" : "";
            table.AddRow("mean", Number(mean), Number(distribution.Expectation), meanCheck);
            table.AddRow("std", Number(Math.Sqrt(variance)), Number(distribution.StandardDeviation), "");
            table.AddRow("variance", Number(variance), Number(distribution.Variance), varianceCheck);
            if (distribution.Variance > 0)
            {
                var values = new double[n];
                for (int i = 0; i < n; i++) values[i] = buffer[i];
                var (d, p) = KolmogorovSmirnov.Test(values, distribution.Cdf);
                table.AddRow("KS", $"D = {d:G4}", "", $"p = {p:G3} against the target law");
            }
        }
        table.AddRow("min", Number(min), expectedMin, "");
        table.AddRow("max", Number(max), expectedMax, "");
        console.WriteLine($"statistics    over all {n} values ({buffer.Type.ShortName()}):");
        console.Write(table);
    }

    private static string Number(double x) => x.ToString("G9", CultureInfo.InvariantCulture);
}
