using TorchSharp;
using WeightInit.Numerics;
using WeightInit.Shapes;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp;

/// <summary>Corrected drop-ins for TorchSharp 0.107's defective <c>torch.nn.init</c> functions, computed as PyTorch's
/// torch/nn/init.py does with TorchSharp's own (correct) tensor methods.</summary>
/// <remarks>
/// <para>TorchSharp's <c>nn.init.trunc_normal_</c> returns a constant (mean and std swapped after <c>erfinv_</c>, no √2);
/// <c>nn.init.xavier_normal_</c> calls xavier_uniform; <c>nn.init.uniform_</c>, <c>normal_</c> and <c>trunc_normal_</c>
/// ignore their generator. These use <c>Tensor.uniform_(low, high, generator)</c> and <c>Tensor.normal_(mean, std, generator)</c>,
/// which honour it. See docs/torchsharp.md for the evidence.</para>
/// </remarks>
public static class TorchInit
{
    /// <summary><c>torch.nn.init.uniform_(tensor, a, b, generator)</c>: U[a, b) from <paramref name="generator"/> (the global one when null).</summary>
    public static Tensor uniform_(Tensor tensor, double a = 0, double b = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        RequireFloat(tensor, "uniform_");
        using var _ = torch.no_grad();
        return tensor.uniform_(a, b, generator);
    }

    /// <summary><c>torch.nn.init.normal_(tensor, mean, std, generator)</c>: N(mean, std²) from <paramref name="generator"/>.</summary>
    public static Tensor normal_(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        RequireFloat(tensor, "normal_");
        using var _ = torch.no_grad();
        return tensor.normal_(mean, std, generator);
    }

    /// <summary><c>torch.nn.init.trunc_normal_(tensor, mean, std, a, b, generator)</c>: N(mean, std²) truncated to [a, b] by
    /// inverse-CDF sampling, exactly PyTorch's steps: <c>uniform_(2l−1, 2u−1)</c>, <c>erfinv_</c>, <c>mul_(std·√2)</c>,
    /// <c>add_(mean)</c>, <c>clamp_(a, b)</c>, with l, u the normal CDF at the standardized bounds.</summary>
    public static Tensor trunc_normal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        RequireFloat(tensor, "trunc_normal_");
        if (!(std > 0) || !double.IsFinite(std)) throw new ArgumentException($"trunc_normal_ needs a positive finite std; got {std}.", nameof(std));
        if (!(a < b)) throw new ArgumentException($"trunc_normal_ needs a < b; got a = {a}, b = {b}.", nameof(a));
        using var _ = torch.no_grad();
        double l = NormCdf((a - mean) / std), u = NormCdf((b - mean) / std);
        tensor.uniform_(2 * l - 1, 2 * u - 1, generator);
        tensor.erfinv_();
        tensor.mul_(std * Math.Sqrt(2.0));
        tensor.add_(mean);
        tensor.clamp_(a, b);
        return tensor;
    }

    /// <summary><c>torch.nn.init.xavier_normal_(tensor, gain, generator)</c>: N(0, std²), std = gain·√(2/(fan_in + fan_out)) with
    /// PyTorch's fans (dimension 1 and dimension 0, times the receptive field).</summary>
    public static Tensor xavier_normal_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        RequireFloat(tensor, "xavier_normal_");
        var fans = FanCalculator.Compute(tensor.shape.Select(d => checked((int)d)).ToArray(), FanConvention.PyTorch);
        double std = gain * Math.Sqrt(2.0 / (fans.FanIn + fans.FanOut));
        using var _ = torch.no_grad();
        return tensor.normal_(0, std, generator);
    }

    /// <summary><c>torch.nn.init.xavier_uniform_(tensor, gain, generator)</c> with a generator (TorchSharp's takes none).</summary>
    public static Tensor xavier_uniform_(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        RequireFloat(tensor, "xavier_uniform_");
        var fans = FanCalculator.Compute(tensor.shape.Select(d => checked((int)d)).ToArray(), FanConvention.PyTorch);
        double bound = Math.Sqrt(3.0) * gain * Math.Sqrt(2.0 / (fans.FanIn + fans.FanOut));
        using var _ = torch.no_grad();
        return tensor.uniform_(-bound, bound, generator);
    }

    // libtorch's own refusal of an integer tensor is a multi-line C++ trace; this is one line naming the choices.
    private static void RequireFloat(Tensor tensor, string function)
    {
        if (!tensor.is_floating_point())
            throw new ArgumentException($"TorchInit.{function} fills floating-point tensors (float32, float64, float16, bfloat16); this one is {tensor.dtype}.", nameof(tensor));
    }

    // norm_cdf(x) = (1 + erf(x/√2))/2, as torch/nn/init.py writes it.
    private static double NormCdf(double x) => (1.0 + SpecialFunctions.Erf(x / Math.Sqrt(2.0))) / 2.0;
}
