// Builds a small TorchSharp module, initializes it with WeightInit (he_normal weights, zero biases, unit LayerNorm scale)
// and prints one JSON line per parameter: name, shape, mean, std, min, max, and how many elements are exactly zero.
// Run: dotnet run --project samples/TorchSharpInit [-- SEED]
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using WeightInit.Initializers;
using WeightInit.TorchSharp;
using static TorchSharp.torch;

ulong seed = 42;
if (args.Length > 1 || (args.Length == 1 && !ulong.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out seed)))
{
    Console.Error.WriteLine($"error: expected at most one argument, the seed (a non-negative integer); got '{string.Join(" ", args)}'.");
    return 2;
}

using var net = new SampleNet();
new ModuleInit(seed)
    .Rule("*weight*", Init.HeNormal())        // every weight matrix / kernel, LSTM's weight_ih_l0 and weight_hh_l0 too
    .Rule("*bias*", Init.Zeros())             // every bias, LSTM's bias_ih_l0 and bias_hh_l0 too
    .Rule<LayerNorm>("weight", Init.Ones())   // a norm's scale is no fan-in weight (he_normal refuses a vector)
    .PaddingIndex("emb", SampleNet.PaddingIndex)
    .Apply(net);

foreach (var (name, p) in net.named_parameters())
{
    using var _ = torch.no_grad();
    using var d = p.detach().to(ScalarType.Float64);
    double[] v = d.data<double>().ToArray();
    double mean = v.Average();
    double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length); // population std (divide by n)
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        name,
        shape = p.shape,
        mean,
        std,
        min = v.Min(),
        max = v.Max(),
        zeros = v.Count(x => x == 0),
    }));
}
return 0;

/// <summary>One of each module the sample shows: Linear, grouped Conv2d, ConvTranspose2d, Embedding with a padding row,
/// LayerNorm and LSTM (no forward: the sample is about initialization).</summary>
internal sealed class SampleNet : nn.Module
{
    /// <summary>The Embedding's padding row, zero after initialization as in PyTorch's <c>nn.Embedding(padding_idx=0)</c>.</summary>
    public const long PaddingIndex = 0;

    public SampleNet() : base(nameof(SampleNet))
    {
        register_module("fc", nn.Linear(64, 32));
        register_module("conv", nn.Conv2d(8, 16, 3, groups: 2));
        register_module("deconv", nn.ConvTranspose2d(16, 8, 3));
        register_module("emb", nn.Embedding(100, 32, padding_idx: PaddingIndex));
        register_module("norm", nn.LayerNorm(32));
        register_module("lstm", nn.LSTM(32, 24));
    }
}
