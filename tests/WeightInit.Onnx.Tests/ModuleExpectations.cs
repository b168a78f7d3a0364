using WeightInit.Checkpoints;

namespace WeightInit.Onnx.Tests;

/// <summary>What each initializer of a torch export is, written from the PyTorch modules in Scripts/make_models.py: its role,
/// its exact fans (worked out here from the module's hyper-parameters), and the fan_in PyTorch's own init uses.</summary>
/// <param name="Key">The initializer's name, or "onnx:" and its shape for the ones torch renames (onnx::MatMul_N, onnx::LSTM_N, …),
/// with "#k" when several renamed ones share the shape (the k-th of them in file order, from 0).</param>
/// <param name="Role">The role.</param>
/// <param name="FanIn">Exact fan_in (a bias: its weight's), or -1 for normalization tensors, whose fans mean nothing.</param>
/// <param name="FanOut">Exact fan_out (a bias: its weight's).</param>
/// <param name="TorchBound">The bound PyTorch's default init uses: 1/√fan_in of the module parameter for Linear, Conv* and their
/// biases (kaiming_uniform(a=√5) and U(±1/√fan_in)); 1/√hidden_size for every LSTM/GRU parameter; 0 where PyTorch's law is
/// not uniform (norms: constants; embeddings: N(0, 1)).</param>
/// <param name="Constant">The constant a normalization tensor starts at (scale and running var 1; shift and running mean 0).</param>
internal sealed record Expect(string Key, TensorRole Role, long FanIn, long FanOut, double TorchBound = 0, double Constant = 0)
{
    /// <summary>Whether <paramref name="name"/> with dims <paramref name="dims"/>, the <paramref name="occurrence"/>-th renamed
    /// initializer of that shape, is this expectation's tensor.</summary>
    public bool Matches(string name, IReadOnlyList<long> dims, int occurrence)
    {
        if (!Key.StartsWith("onnx:", StringComparison.Ordinal)) return name == Key;
        if (!name.StartsWith("onnx::", StringComparison.Ordinal)) return false;
        string shape = "[" + string.Join(", ", dims) + "]";
        int hash = Key.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? Key[5..] == shape : Key[5..hash] == shape && Key[(hash + 1)..] == occurrence.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The law the library's default policy gives this role with these fans.</summary>
    public Law DefaultLaw() => Role switch
    {
        TensorRole.Linear => Law.Uniform(Math.Sqrt(6.0 / (FanIn + FanOut))), // glorot_uniform
        TensorRole.Conv => Law.Normal(Math.Sqrt(2.0 / FanIn)),               // he_normal
        TensorRole.Embedding => Law.Normal(0.02),
        TensorRole.Bias => Law.Constant(0),
        _ => Law.Constant(Constant),
    };

    /// <summary>The law PyTorch's module constructors give it (preset pytorch-default).</summary>
    public Law PyTorchLaw() => Role switch
    {
        TensorRole.Linear or TensorRole.Conv or TensorRole.Bias => Law.Uniform(TorchBound),
        TensorRole.Embedding => Law.Normal(1),
        _ => Law.Constant(Constant),
    };

    private static double Inv(double fanIn) => 1 / Math.Sqrt(fanIn);

    private static Expect Dense(string key, int inFeatures, int outFeatures) => new(key, TensorRole.Linear, inFeatures, outFeatures, Inv(inFeatures));

    private static Expect Bias(string key, int inFeatures, int outFeatures) => new(key, TensorRole.Bias, inFeatures, outFeatures, Inv(inFeatures));

    /// <summary>Conv weight [out, in/g, k…] of Conv(in, out, k, groups): fan_in (in/g)·K, fan_out (out/g)·K; PyTorch's fan_in is (in/g)·K too.</summary>
    private static Expect[] Conv(string weight, string? bias, int inChannels, int outChannels, int kernel, int groups)
    {
        long fanIn = inChannels / groups * kernel, fanOut = outChannels / groups * kernel;
        var w = new Expect(weight, TensorRole.Conv, fanIn, fanOut, Inv(fanIn));
        return bias is null ? [w] : [w, new Expect(bias, TensorRole.Bias, fanIn, fanOut, Inv(fanIn))];
    }

    private static Expect[] Norm(string scale, string shift) =>
        [new(scale, TensorRole.NormWeight, -1, -1, Constant: 1), new(shift, TensorRole.NormBias, -1, -1, Constant: 0)];

    /// <summary>W, R, B of one recurrent layer: each gate block of W is [H, input], of R [H, H].</summary>
    /// <param name="layer">The layer's index among layers whose R and B have the same shape (torch writes them in layer order).</param>
    private static Expect[] Recurrent(int directions, int gates, int input, int hidden, int layer = 0) =>
    [
        new($"onnx:[{directions}, {gates * hidden}, {input}]", TensorRole.Linear, input, hidden, Inv(hidden)),
        new($"onnx:[{directions}, {gates * hidden}, {hidden}]#{layer}", TensorRole.Linear, hidden, hidden, Inv(hidden)),
        new($"onnx:[{directions}, {2 * gates * hidden}]#{layer}", TensorRole.Bias, input, hidden, Inv(hidden)),
    ];

    /// <summary>The expectations per model of make_models.py.</summary>
    public static IReadOnlyList<Expect> For(string model) => model switch
    {
        // Sequential(Linear(8, 16), ReLU, Linear(16, 4)) on (3, 8): Gemm with transB=1.
        "mlp" => [Dense("0.weight", 8, 16), Bias("0.bias", 8, 16), Dense("2.weight", 16, 4), Bias("2.bias", 16, 4)],
        // Conv2d(8, 16, 3, groups=4); Conv2d(16, 16, 3, groups=16); ConvTranspose2d(16, 8, (3, 5), stride=2, groups=2).
        // ConvTranspose weight [in, out/g, 3, 5] = [16, 4, 3, 5]: an input value feeds (out/g)·15 = 60 outputs, an output
        // is reached by (in/g)·15 = 120 inputs; PyTorch reads the weight as [out, in, k…]: fan_in 4·15 = 60.
        "cnn" =>
        [
            .. Conv("grouped.weight", "grouped.bias", 8, 16, 9, 4),
            .. Conv("depthwise.weight", "depthwise.bias", 16, 16, 9, 16),
            new("up.weight", TensorRole.Conv, 8 * 15, 4 * 15, Inv(4 * 15)),
            new("up.bias", TensorRole.Bias, 8 * 15, 4 * 15, Inv(4 * 15)),
        ],
        // Conv2d(3, 8, 3) + BatchNorm2d(8), eval: folded into one Conv with renamed tensors.
        "bn_folded" => [.. Conv("onnx:[8, 3, 3, 3]", null, 3, 8, 9, 1), new("onnx:[8]", TensorRole.Bias, 27, 72, Inv(27))],
        // Conv2d(3, 8, 3), ReLU, BatchNorm2d(8) fresh: running_var and running_mean are Identity aliases of weight and bias.
        "bn" => [.. Conv("0.weight", "0.bias", 3, 8, 9, 1), .. Norm("2.weight", "2.bias")],
        // Conv2d(3, 8, 3), BatchNorm2d(8) exported in training mode: the BatchNormalization node keeps all four tensors.
        "bn_train" =>
        [
            .. Conv("0.weight", "0.bias", 3, 8, 9, 1), .. Norm("1.weight", "1.bias"),
            new("1.running_mean", TensorRole.NormBias, -1, -1, Constant: 0), new("1.running_var", TensorRole.NormWeight, -1, -1, Constant: 1),
        ],
        // LSTM(3, 5): gates i, o, f, c.
        "lstm" => Recurrent(1, 4, 3, 5),
        // GRU(3, 5, num_layers=2, bidirectional=True): layer 1 reads both directions (input 10).
        "gru" => [.. Recurrent(2, 3, 3, 5), .. Recurrent(2, 3, 10, 5, layer: 1)],
        // Embedding(50, 8), LayerNorm(8), Linear(8, 12) on 3-D input (MatMul of the transposed weight, then Add), and a fresh
        // TransformerEncoderLayer(12, 2, dim_feedforward=20): in_proj [36, 12] as MatMul [12, 36], out_proj Gemm(transB=1),
        // linear1/linear2 as MatMul + Add; out_proj.bias also serves (Identity) as norm1.bias and norm2.bias, norm1.weight as
        // norm2.weight. The embedding table is a one-hot map of its 50 entries to 8 features: fans (50, 8).
        "transformer" or "transformer13" =>
        [
            new("emb.weight", TensorRole.Embedding, 50, 8), .. Norm("norm.weight", "norm.bias"),
            Dense("onnx:[8, 12]", 8, 12), Bias("fc.bias", 8, 12),
            Dense("onnx:[12, 36]", 12, 36), Bias("layer.self_attn.in_proj_bias", 12, 36),
            Dense("layer.self_attn.out_proj.weight", 12, 12), Bias("layer.self_attn.out_proj.bias", 12, 12),
            Dense("onnx:[12, 20]", 12, 20), Bias("layer.linear1.bias", 12, 20),
            Dense("onnx:[20, 12]", 20, 12), Bias("layer.linear2.bias", 20, 12),
            new("layer.norm1.weight", TensorRole.NormWeight, -1, -1, Constant: 1),
            new("layer.norm1.bias", TensorRole.NormBias, -1, -1, Constant: 0), new("layer.norm2.bias", TensorRole.NormBias, -1, -1, Constant: 0),
        ],
        _ => throw new ArgumentException($"No expectations for model '{model}'."),
    };

    /// <summary>The Identity aliases that become initializers of their own: those whose law differs from their source's.</summary>
    public static IReadOnlyList<string> Splits(string model, bool pytorch) => (model, pytorch) switch
    {
        // pytorch-default gives out_proj.bias U(±1/√12), but the norm biases it stands in for start at 0.
        ("transformer" or "transformer13", true) => ["layer.norm2.bias", "layer.norm1.bias"],
        _ => [],
    };
}
