using System.Globalization;
using WeightInit.Initializers;
using WeightInit.IO;
using WeightInit.Random;
using WeightInit.Sampling;
using WeightInit.Shapes;

namespace WeightInit.Checkpoints;

/// <summary>The <see cref="CheckpointGenerator.Torch"/> mode: a plan's tensors drawn from PyTorch 1.13's CPU stream after
/// <c>torch.manual_seed(seed)</c>, one whole tensor after another in plan order, exactly as torch.nn.init computes them.</summary>
/// <remarks>
/// <para>The bounds and standard deviations are computed with the same double-precision operations as torch/nn/init.py 1.13:
/// <c>kaiming_uniform_</c>: gain = calculate_gain(nonlinearity, a), std = gain/√fan, bound = √3·std, <c>uniform_(−bound, bound)</c>;
/// <c>kaiming_normal_</c>: <c>normal_(0, gain/√fan)</c>; <c>xavier_uniform_</c>: std = gain·√(2/(fan_in + fan_out)), a = √3·std,
/// <c>uniform_(−a, a)</c>; <c>xavier_normal_</c>: <c>normal_(0, std)</c>; <c>uniform_</c>, <c>normal_</c>, <c>zeros_</c>, <c>ones_</c>,
/// <c>constant_</c> directly; <c>embedding(mean, std, padding_idx)</c> is <c>normal_(mean, std)</c> then <c>weight[padding_idx].zero_()</c>
/// (nn.Embedding, and transformers' <c>_init_weights</c>). Fans are PyTorch's (<see cref="FanConvention.PyTorch"/>: dimension 1 × receptive field for fan-in,
/// dimension 0 × receptive field for fan-out). The default <c>nn.Linear</c>/<c>nn.Conv2d</c> init is
/// <c>kaiming_uniform(a=sqrt(5))</c> on the weight followed by <c>pytorch_bias</c> on the bias (see <see cref="InitPolicy"/>).</para>
/// <para>Float32 and float64 tensors are drawn in their own type (float64 as under <c>torch.set_default_dtype(torch.float64)</c>);
/// float16 and bfloat16 tensors are drawn in float32 and rounded, as <c>.half()</c> / <c>.bfloat16()</c> after init.</para>
/// <para>Sequential by nature: each tensor's numbers depend on every draw before it, so tensors are generated whole and in
/// order, one process and one thread; resident memory holds the largest tensor. Asking for an earlier tensor restarts the
/// stream from the seed and replays it.</para>
/// </remarks>
public sealed class TorchSequentialInit
{
    private readonly CheckpointPlan _plan;
    private readonly TorchCpuGenerator _generator;
    private int _next;
    private int _currentIndex = -1;
    private float[] _singles = [];
    private double[] _doubles = [];

    /// <summary>A stream for <paramref name="plan"/>, in the state <c>torch.manual_seed(plan.Seed)</c> leaves.</summary>
    public TorchSequentialInit(CheckpointPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _plan = plan;
        _generator = new TorchCpuGenerator(plan.Seed);
    }

    /// <summary>The PyTorch call that initializes <paramref name="tensor"/>.</summary>
    /// <remarks>The spec is read by the registry alone; the call's numbers come from the typed initializer
    /// (<see cref="VarianceScaling.ToTorchCall"/> for kaiming_*_ and xavier_*_).</remarks>
    /// <exception cref="ArgumentException">The spec is not valid (the registry's message), or has no PyTorch-exact form here; the message lists those that do.</exception>
    public static TorchCall Call(CheckpointTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var init = InitializerRegistry.Parse(tensor.Initializer);
        switch (init)
        {
            case VarianceScaling vs when vs.ToTorchCall(TorchFans(tensor)) is { } call:
                return call;
            case RandomInitializer { Distribution: UniformDistribution u }:
                return new TorchCall(TorchCallKind.Uniform, u.Low, u.High);
            case RandomInitializer { Distribution: NormalDistribution n }:
                return new TorchCall(TorchCallKind.Normal, n.Mean, n.StdDev);
            case Embedding e: // nn.Embedding / transformers' _init_weights: normal_(mean, std), then the padding row zeroed (no draws; see Draw)
                return new TorchCall(TorchCallKind.Normal, e.Mean, e.StdDev);
            case Constant c:
                return TorchCall.Fill(c.Value);
            case PyTorchBias { WeightFanIn: { } fanIn }:
                return TorchCall.Uniform(PyTorchBias.Bound(fanIn));
            default:
                throw new ArgumentException(
                    $"'{InitializerRegistry.Find(InitializerSpec.Parse(tensor.Initializer).Name).Name}' has no PyTorch-exact form; --generator torch supports kaiming_uniform, kaiming_normal, xavier_uniform, xavier_normal " +
                    "(and any variance_scaling with a uniform or normal law on PyTorch's fans), uniform, normal, embedding, zeros, ones, constant and pytorch_bias (use --generator philox for the others).");
        }
    }

    private static Fans TorchFans(CheckpointTensor tensor)
    {
        if (tensor.Dimensions.Count < 2)
            throw new ArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (PyTorch's rule).");
        if (tensor.Layout != WeightLayout.OutInKernel)
            throw new ArgumentException($"PyTorch computes fans for the OutInKernel layout only; this tensor is stated as {tensor.Layout}.");
        return FanCalculator.Compute(tensor.Dimensions.ToArray(), FanConvention.PyTorch);
    }

    /// <summary>A fill for tensor <paramref name="index"/> of the plan: on first use the whole tensor is drawn (after replaying any
    /// tensors before it that were not drawn yet), then ranges are copied out in the file's type.</summary>
    public TensorFill Fill(int index)
    {
        var t = _plan.Tensors[index];
        return t.DType == TensorDType.Float64
            ? TensorFills.FromDouble(t.DType, (first, values) => { Ensure(index); _doubles.AsSpan(checked((int)first), values.Length).CopyTo(values); })
            : TensorFills.FromSingle(t.DType, (first, values) => { Ensure(index); _singles.AsSpan(checked((int)first), values.Length).CopyTo(values); });
    }

    private void Ensure(int index)
    {
        if (_currentIndex == index) return;
        if (index < _next)
        {
            _generator.ManualSeed(_plan.Seed);
            _next = 0;
        }
        while (_next <= index) Draw(_next++);
        _currentIndex = index;
    }

    private void Draw(int index)
    {
        var t = _plan.Tensors[index];
        long count = t.ElementCount;
        if (count > Array.MaxLength)
            throw new ArgumentException($"Tensor '{t.Name}' has {count} elements; the torch generator draws whole tensors and an array holds at most {Array.MaxLength}.");
        var call = Call(t);
        // weight[padding_idx].zero_() after the draw, as nn.Embedding and transformers do: row p along dimension 0.
        (long Start, long Length)? padding = InitializerRegistry.Parse(t.Initializer) is Embedding { PaddingIndex: { } p }
            ? (p < t.Dimensions[0] ? (p * (count / t.Dimensions[0]), count / t.Dimensions[0])
                : throw new ArgumentException($"Tensor '{t.Name}': padding_idx {p} is not a row of a tensor with {t.Dimensions[0]} rows."))
            : null;
        if (t.DType == TensorDType.Float64)
        {
            if (_doubles.Length != count) _doubles = new double[count];
            _generator.Apply(call, _doubles.AsSpan());
            if (padding is { } row) _doubles.AsSpan((int)row.Start, (int)row.Length).Clear();
        }
        else
        {
            if (_singles.Length != count) _singles = new float[count];
            _generator.Apply(call, _singles.AsSpan());
            if (padding is { } row) _singles.AsSpan((int)row.Start, (int)row.Length).Clear();
        }
    }
}
