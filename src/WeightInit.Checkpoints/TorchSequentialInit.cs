using WeightInit.Naming;
using System.Globalization;
using WeightInit.Gains;
using WeightInit.Initializers;
using WeightInit.IO;
using WeightInit.Random;
using WeightInit.Shapes;

namespace WeightInit.Checkpoints;

/// <summary>One PyTorch init call on a tensor: <c>uniform_(From, To)</c>, <c>normal_(Mean, Std)</c> or <c>fill_(Value)</c>.</summary>
/// <param name="Kind">"uniform", "normal" or "fill".</param>
/// <param name="A">from, mean or the fill value.</param>
/// <param name="B">to or std (unused for fill).</param>
public readonly record struct TorchCall(string Kind, double A, double B)
{
    /// <summary>The call as PyTorch writes it, e.g. <c>uniform_(-0.125, 0.125)</c>.</summary>
    public override string ToString() => Kind == "fill"
        ? $"fill_({A.ToString("R", CultureInfo.InvariantCulture)})"
        : $"{Kind}_({A.ToString("R", CultureInfo.InvariantCulture)}, {B.ToString("R", CultureInfo.InvariantCulture)})";
}

/// <summary>The <see cref="CheckpointGenerator.Torch"/> mode: a plan's tensors drawn from PyTorch 1.13's CPU stream after
/// <c>torch.manual_seed(seed)</c>, one whole tensor after another in plan order, exactly as torch.nn.init computes them.</summary>
/// <remarks>
/// <para>The bounds and standard deviations are computed with the same double-precision operations as torch/nn/init.py 1.13:
/// <c>kaiming_uniform_</c>: gain = calculate_gain(nonlinearity, a), std = gain/√fan, bound = √3·std, <c>uniform_(−bound, bound)</c>;
/// <c>kaiming_normal_</c>: <c>normal_(0, gain/√fan)</c>; <c>xavier_uniform_</c>: std = gain·√(2/(fan_in + fan_out)), a = √3·std,
/// <c>uniform_(−a, a)</c>; <c>xavier_normal_</c>: <c>normal_(0, std)</c>; <c>uniform_</c>, <c>normal_</c>, <c>zeros_</c>, <c>ones_</c>,
/// <c>constant_</c> directly. Fans are PyTorch's (<see cref="FanConvention.PyTorch"/>: dimension 1 × receptive field for fan-in,
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
    /// <exception cref="ArgumentException">The spec has no PyTorch equivalent in this mode; the message lists those that do.</exception>
    public static TorchCall Call(CheckpointTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var spec = InitializerSpec.Parse(tensor.Initializer);
        var info = InitializerRegistry.Find(spec.Name);
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in spec.Arguments) args[Vocabulary.Key(k)] = v;
        string? Arg(params string[] keys) => keys.Select(k => args.GetValueOrDefault(Vocabulary.Key(k))).FirstOrDefault(v => v is not null);
        switch (info.Name)
        {
            case "he_uniform" or "he_normal":
            {
                double a = Number(Arg("negative_slope", "a", "slope", "alpha") ?? "0");
                string nonlinearity = Arg("nonlinearity") ?? "leaky_relu";
                double gain = Arg("gain") is { } g ? GainOf(g, a) : GainOf(nonlinearity, a);
                var fans = TorchFans(tensor);
                string mode = (Arg("mode", "variance_norm") ?? "fan_in").ToLowerInvariant().Replace("_", "");
                double fan = mode switch
                {
                    "fanin" or "in" => fans.FanIn,
                    "fanout" or "out" => fans.FanOut,
                    _ => throw new ArgumentException($"PyTorch's kaiming init takes mode fan_in or fan_out; got '{mode}'."),
                };
                double std = gain / Math.Sqrt(fan);
                return info.Name == "he_uniform" ? Uniform(Math.Sqrt(3.0) * std) : new TorchCall("normal", 0, std);
            }
            case "glorot_uniform" or "glorot_normal":
            {
                double gain = Arg("gain") is { } g ? GainOf(g, 0) : 1.0;
                var fans = TorchFans(tensor);
                double std = gain * Math.Sqrt(2.0 / (fans.FanIn + fans.FanOut));
                return info.Name == "glorot_uniform" ? Uniform(Math.Sqrt(3.0) * std) : new TorchCall("normal", 0, std);
            }
            case "uniform":
                return new TorchCall("uniform", Number(Arg("low", "a", "minval", "min") ?? "0"), Number(Arg("high", "b", "maxval", "max") ?? "1"));
            case "normal":
                return new TorchCall("normal", Number(Arg("mean") ?? "0"), Number(Arg("std", "stddev", "sigma") ?? "1"));
            case "zeros":
                return new TorchCall("fill", 0, 0);
            case "ones":
                return new TorchCall("fill", 1, 0);
            case "constant":
                return new TorchCall("fill", Number(Arg("value", "val") ?? "0"), 0);
            default:
                throw new ArgumentException(
                    $"'{info.Name}' has no PyTorch-exact form; --generator torch supports kaiming_uniform, kaiming_normal, xavier_uniform, xavier_normal, " +
                    "uniform, normal, zeros, ones, constant and pytorch_bias (use --generator philox for the others).");
        }
    }

    private static TorchCall Uniform(double bound) => new("uniform", -bound, bound);

    private static Fans TorchFans(CheckpointTensor tensor)
    {
        if (tensor.Dimensions.Count < 2)
            throw new ArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (PyTorch's rule).");
        if (tensor.Layout != WeightLayout.OutInKernel)
            throw new ArgumentException($"PyTorch computes fans for the OutInKernel layout only; this tensor is stated as {tensor.Layout}.");
        return FanCalculator.Compute(tensor.Dimensions.ToArray(), FanConvention.PyTorch);
    }

    /// <summary>torch.nn.init.calculate_gain(nonlinearity, param) in double (the library's <see cref="Gain.PyTorch"/>), or a plain number.</summary>
    /// <remarks>A bare <c>leaky_relu</c> takes its slope from the call's <c>a</c>, as <c>kaiming_*_(a, nonlinearity='leaky_relu')</c> does.</remarks>
    private static double GainOf(string text, double negativeSlope)
    {
        string t = text.Trim();
        if (!Activation.TryParse(t, out var activation)) return Number(text);
        if (activation.Name == "leaky_relu" && !t.Contains(':')) activation = Activation.LeakyRelu(negativeSlope);
        return Gain.PyTorch(activation);
    }

    private static double Number(string text)
    {
        string s = text.Trim().Replace("√", "sqrt");
        if (s.StartsWith("sqrt(", StringComparison.OrdinalIgnoreCase) && s.EndsWith(')'))
            return Math.Sqrt(double.Parse(s[5..^1], NumberStyles.Float, CultureInfo.InvariantCulture));
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x)) return x;
        throw new ArgumentException($"'{text}' is not a finite number (or sqrt(x)).");
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
        if (t.DType == TensorDType.Float64)
        {
            if (_doubles.Length != count) _doubles = new double[count];
            Apply(call, _doubles.AsSpan());
        }
        else
        {
            if (_singles.Length != count) _singles = new float[count];
            Apply(call, _singles.AsSpan());
        }
    }

    private void Apply(TorchCall call, Span<float> values)
    {
        switch (call.Kind)
        {
            case "uniform": _generator.Uniform(values, call.A, call.B); break;
            case "normal": _generator.Normal(values, call.A, call.B); break;
            default: values.Fill((float)call.A); break;
        }
    }

    private void Apply(TorchCall call, Span<double> values)
    {
        switch (call.Kind)
        {
            case "uniform": _generator.Uniform(values, call.A, call.B); break;
            case "normal": _generator.Normal(values, call.A, call.B); break;
            default: values.Fill(call.A); break;
        }
    }
}
