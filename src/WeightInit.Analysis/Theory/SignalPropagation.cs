using WeightInit.Models;
using WeightInit.Gains;
using WeightInit.Numerics;

namespace WeightInit.Analysis.Theory;

/// <summary>Mean and variance of the values (or of one gradient) at some point of a network.</summary>
/// <param name="Mean">E[x] over examples, units and positions.</param>
/// <param name="Variance">Var[x].</param>
public readonly record struct Moments(double Mean, double Variance)
{
    /// <summary>E[x²] = Var[x] + E[x]².</summary>
    public double SecondMoment => Variance + Mean * Mean;
}

/// <summary>Settings of <see cref="SignalPropagation.Analyze"/>.</summary>
public sealed record PropagationOptions
{
    /// <summary>Mean of every input element (0 unless set).</summary>
    public double InputMean { get; init; }

    /// <summary>Variance of every input element (1 unless set).</summary>
    public double InputVariance { get; init; } = 1.0;

    /// <summary>E[(∂C/∂y)²] for each element y of the last analysed output (the logits when the model ends in softmax); 1 unless set.</summary>
    public double OutputGradientSecondMoment { get; init; } = 1.0;
}

/// <summary>Forward and backward statistics of one layer, from <see cref="SignalPropagation.Analyze"/>.</summary>
/// <param name="Name">The layer's name (as in tensor names).</param>
/// <param name="Type">The layer's JSON type (dense, conv2d, activation, flatten, residual, softmax).</param>
/// <param name="Depth">0 for a top-level layer, 1 inside a residual branch, and so on.</param>
/// <param name="Input">Moments of the layer's input elements.</param>
/// <param name="Output">Moments of the layer's output elements (pre-activations for dense and conv2d).</param>
/// <param name="OutputGradientSecondMoment">E[(∂C/∂y)²] for an element y of the output (Glorot's Var[∂C/∂s] for a dense layer).</param>
/// <param name="InputGradientSecondMoment">E[(∂C/∂x)²] for an element x of the input.</param>
/// <param name="Weight">Element moments of the weight, or null for a layer without one.</param>
/// <param name="WeightGradientSecondMoment">E[(∂C/∂W)²] for one weight element and one example, or null.</param>
/// <param name="BiasGradientSecondMoment">E[(∂C/∂b)²] for one bias element and one example, or null.</param>
/// <param name="EffectiveFanIn">Terms in one output's sum: fan_in, for a convolution averaged over output positions (zero-padded taps do not count).</param>
/// <param name="EffectiveFanOut">Outputs one input element feeds: fan_out/stride², averaged over input positions; null for layers without weights.</param>
public sealed record LayerPropagation(string Name, string Type, int Depth, Moments Input, Moments Output,
    double OutputGradientSecondMoment, double InputGradientSecondMoment, ElementMoments? Weight,
    double? WeightGradientSecondMoment, double? BiasGradientSecondMoment, double? EffectiveFanIn, double? EffectiveFanOut)
{
    /// <summary>Output variance over input variance: Glorot's n·Var[W] (times E[φ′²]-like factors for activations).</summary>
    public double ForwardVarianceRatio => Output.Variance / Input.Variance;

    /// <summary>Input-gradient over output-gradient second moment: the backward factor of this layer.</summary>
    public double BackwardRatio => InputGradientSecondMoment / OutputGradientSecondMoment;
}

/// <summary>The result of <see cref="SignalPropagation.Analyze"/>.</summary>
/// <param name="Model">The model analysed.</param>
/// <param name="Input">Moments of the input elements.</param>
/// <param name="Layers">Every layer in forward order, residual branches in place after their block.</param>
public sealed record PropagationResult(ModelSpec Model, Moments Input, IReadOnlyList<LayerPropagation> Layers)
{
    /// <summary>The top-level layers only (depth 0).</summary>
    public IEnumerable<LayerPropagation> TopLevel => Layers.Where(l => l.Depth == 0);

    /// <summary>The layer named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No layer has that name; the message lists the names.</exception>
    public LayerPropagation Layer(string name) => Layers.FirstOrDefault(l => l.Name == name)
        ?? throw new KeyNotFoundException($"No layer '{name}'. Layers: {string.Join(", ", Layers.Select(l => l.Name))}.");
}

/// <summary>Deterministic forward and backward moment recursions through a <see cref="ModelSpec"/> with its actual initializers (no sampling).</summary>
/// <remarks>
/// <para><b>Assumptions</b> (those of Glorot &amp; Bengio 2010 §4.2.1, He et al. 2015 §2.2 and mean-field theory): weight elements are
/// independent of each other and of the layer input, input elements are identically distributed and uncorrelated, a
/// pre-activation is Gaussian (central limit over fan_in terms), and back-propagated gradients are independent of the forward
/// values (the gradient-independence assumption) and of mean zero. Statistics are averages over units and positions.</para>
/// <para><b>Forward.</b> A dense or conv layer gives h = Σⱼ Wⱼxⱼ + b over n = fan_in terms, so
/// E[h] = n·E[W]·E[x] + E[b] and Var[h] = n·(E[W²]·E[x²] − E[W]²·E[x]²) + Var[b] — the seed's
/// fan_in·(Var w·Var a + E(w)²·Var a + Var w·E(a)²), Glorot's eq. 5 when E[x] = 0, He's eq. 7 (n·Var[w]·E[x²]) when E[W] = 0.
/// An activation gives E[φ(h)], Var[φ(h)] by <see cref="GaussianExpectation"/> at the actual N(E[h], Var[h]); for a logistic at
/// small variance Var[φ] ≈ Var[h]/16, the seed's 1/16 factor. Residual: E = E[x] + α·E[F], Var = Var[x] + α²·Var[F] (the
/// cross term vanishes because the branch ends in a dense or conv2d layer whose zero-mean weights are independent of x; other
/// branches are rejected).</para>
/// <para><b>Backward.</b> Through a dense or conv layer E[(∂C/∂x)²] = n̂·E[W²]·E[(∂C/∂h)²] with n̂ the fan-out (divided by
/// stride²), Glorot's eq. 6 and He's eq. 13; through an activation ×E[φ′(h)²]; through a residual block
/// E[(∂C/∂x)²] = E[(∂C/∂y)²] + α²·(branch's input gradient); weight gradients E[(∂C/∂W)²] = P·E[(∂C/∂h)²]·E[x²] with P the number
/// of positions a weight is used at (1 for dense), Glorot's eq. 14.</para>
/// <para>Convolutions count only the taps that fall inside the input (zero padding contributes nothing), averaged over
/// positions; the result is the position-averaged second moment, exact for linear stacks under the assumptions above.</para>
/// </remarks>
public static class SignalPropagation
{
    /// <summary>Runs the forward then the backward recursion.</summary>
    /// <exception cref="ArgumentException">The model does not infer (see <see cref="ModelSpec.Infer"/>), or an option is out of range.</exception>
    /// <exception cref="NotSupportedException">An initializer without closed-form moments, or a residual branch without weights.</exception>
    public static PropagationResult Analyze(ModelSpec model, PropagationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new PropagationOptions();
        if (!double.IsFinite(options.InputMean)) throw new ArgumentOutOfRangeException(nameof(options), options.InputMean, "InputMean must be finite.");
        if (!(options.InputVariance >= 0) || !double.IsFinite(options.InputVariance))
            throw new ArgumentOutOfRangeException(nameof(options), options.InputVariance, "InputVariance must be finite and ≥ 0.");
        if (!(options.OutputGradientSecondMoment >= 0) || !double.IsFinite(options.OutputGradientSecondMoment))
            throw new ArgumentOutOfRangeException(nameof(options), options.OutputGradientSecondMoment, "OutputGradientSecondMoment must be finite and ≥ 0.");
        var shapes = model.Infer();
        var input = new Moments(options.InputMean, options.InputVariance);
        var forward = new Dictionary<InferredLayer, Forward>(ReferenceEqualityComparer.Instance);
        Propagate(shapes.Layers, input, forward);
        var backward = new Dictionary<InferredLayer, (double Output, double Input)>(ReferenceEqualityComparer.Instance);
        BackPropagate(shapes.Layers, options.OutputGradientSecondMoment, forward, backward);
        var result = new List<LayerPropagation>();
        Collect(shapes.Layers, 0, forward, backward, result);
        return new PropagationResult(model, input, result);
    }

    private sealed record Forward(Moments Input, Moments Output, ElementMoments? Weight, ElementMoments? Bias, Activation? Activation,
        double FanIn, double FanOut, double WeightUses, double BiasUses);

    private static Moments Propagate(IReadOnlyList<InferredLayer> layers, Moments x, Dictionary<InferredLayer, Forward> forward)
    {
        foreach (var layer in layers)
        {
            Forward f;
            switch (layer.Layer)
            {
                case Dense or Conv2d:
                {
                    var (fanIn, fanOut, weightUses, biasUses) = Connectivity(layer);
                    var w = ElementMoments.Of(layer.Weight!.Initializer, layer.Weight.Shape);
                    ElementMoments? b = layer.Bias is { } bias ? ElementMoments.Of(bias.Initializer, bias.Shape) : null;
                    double mean = fanIn * w.Mean * x.Mean + (b?.Mean ?? 0);
                    double variance = fanIn * (w.SecondMoment * x.SecondMoment - w.Mean * w.Mean * x.Mean * x.Mean) + (b?.Variance ?? 0);
                    f = new Forward(x, new Moments(mean, Math.Max(variance, 0)), w, b, null, fanIn, fanOut, weightUses, biasUses);
                    break;
                }
                case ActivationLayer a:
                {
                    var phi = ModelSpec.ResolveActivation(a, layer.Name);
                    // Zero mean: ActivationMoments (closed forms for the ReLU family and linear); otherwise quadrature at N(E[h], Var[h]).
                    double mean = x.Mean == 0 ? ActivationMoments.Mean(phi, x.Variance) : Expect(phi.Function, phi, x);
                    double variance = x.Mean == 0 ? ActivationMoments.Variance(phi, x.Variance)
                        : Expect(v => { double d = phi.Function(v) - mean; return d * d; }, phi, x);
                    f = new Forward(x, new Moments(mean, variance), null, null, phi, 0, 0, 0, 0);
                    break;
                }
                case Residual r:
                {
                    if (!EndsWithZeroMeanWeights(layer.Branch))
                        throw new NotSupportedException(
                            $"Residual block {layer.Name}: the skip/branch covariance is modelled only when the branch ends in a dense or conv2d layer with zero-mean weights (its branch: {string.Join(", ", r.Branch.Select(l => l.Type))}).");
                    var branch = Propagate(layer.Branch, x, forward);
                    double alpha = r.BranchScale;
                    f = new Forward(x, new Moments(x.Mean + alpha * branch.Mean, x.Variance + alpha * alpha * branch.Variance), null, null, null, 0, 0, 0, 0);
                    break;
                }
                default: // flatten, softmax (the analysis stops before softmax: it passes its input through)
                    f = new Forward(x, x, null, null, null, 0, 0, 0, 0);
                    break;
            }
            forward[layer] = f;
            x = f.Output;
        }
        return x;
    }

    /// <summary>Whether the branch ends in a dense or conv layer with zero-mean weights: then F = W·y + b with W independent of the skip x, so Cov(x, F) = 0.</summary>
    private static bool EndsWithZeroMeanWeights(IReadOnlyList<InferredLayer> branch)
    {
        for (int i = branch.Count - 1; i >= 0; i--)
        {
            var l = branch[i];
            if (l.Layer is Flatten) continue;
            return l.Weight is { } w && ElementMoments.Of(w.Initializer, w.Shape).Mean == 0;
        }
        return false;
    }

    /// <summary>Records (output gradient, input gradient) second moments of every layer, last to first; returns the input gradient of the list.</summary>
    private static double BackPropagate(IReadOnlyList<InferredLayer> layers, double gradient, Dictionary<InferredLayer, Forward> forward,
        Dictionary<InferredLayer, (double Output, double Input)> backward)
    {
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            var layer = layers[i];
            var f = forward[layer];
            double input = layer.Layer switch
            {
                Dense or Conv2d => f.FanOut * f.Weight!.Value.SecondMoment * gradient,
                ActivationLayer => DerivativeSecondMoment(f.Activation!, f.Input) * gradient,
                Residual r => gradient + r.BranchScale * r.BranchScale * BackPropagate(layer.Branch, gradient, forward, backward),
                _ => gradient,
            };
            backward[layer] = (gradient, input);
            gradient = input;
        }
        return gradient;
    }

    private static void Collect(IReadOnlyList<InferredLayer> layers, int depth, Dictionary<InferredLayer, Forward> forward,
        Dictionary<InferredLayer, (double Output, double Input)> backward, List<LayerPropagation> result)
    {
        foreach (var layer in layers)
        {
            var f = forward[layer];
            var (outGrad, inGrad) = backward[layer];
            bool weighted = layer.Weight is not null;
            result.Add(new LayerPropagation(layer.Name, layer.Layer.Type, depth, f.Input, f.Output, outGrad, inGrad, f.Weight,
                weighted ? f.WeightUses * outGrad * f.Input.SecondMoment : null,
                layer.Bias is not null ? f.BiasUses * outGrad : null,
                weighted ? f.FanIn : null, weighted ? f.FanOut : null));
            Collect(layer.Branch, depth + 1, forward, backward, result);
        }
    }

    /// <summary>(fan_in, fan_out, uses per weight, uses per bias element), counting only in-bounds taps of a convolution.</summary>
    internal static (double FanIn, double FanOut, double WeightUses, double BiasUses) Connectivity(InferredLayer layer)
    {
        var input = layer.Input;
        switch (layer.Layer)
        {
            case Dense d:
                return (input.Channels, d.Units, 1, 1);
            case Conv2d c:
            {
                var output = layer.Output;
                double tapsH = ValidTaps(input.Height, output.Height, c), tapsW = ValidTaps(input.Width, output.Width, c);
                double inPerGroup = input.Channels / c.Groups, outPerGroup = c.Channels / c.Groups;
                double fanIn = inPerGroup * (tapsH / output.Height) * (tapsW / output.Width);
                double fanOut = outPerGroup * (tapsH / input.Height) * (tapsW / input.Width);
                double weightUses = tapsH * tapsW / ((double)c.Kernel * c.Kernel);
                return (fanIn, fanOut, weightUses, (double)output.Height * output.Width);
            }
            default:
                throw new InvalidOperationException($"{layer.Name} has no weights.");
        }
    }

    /// <summary>Σ over output positions of the kernel taps that land inside the input (one axis).</summary>
    private static double ValidTaps(int inputSize, int outputSize, Conv2d c)
    {
        long total = 0;
        for (int o = 0; o < outputSize; o++)
        {
            int start = o * c.Stride - c.Padding;
            int lo = Math.Max(0, -start), hi = Math.Min(c.Kernel, inputSize - start);
            total += Math.Max(0, hi - lo);
        }
        return total;
    }

    private static double Expect(Func<double, double> f, Activation phi, Moments x) =>
        GaussianExpectation.Evaluate(f, x.Mean, x.Variance, Breakpoints(phi));

    private static double DerivativeSecondMoment(Activation phi, Moments x)
    {
        if (x.Mean == 0) return ActivationMoments.DerivativeSecondMoment(phi, x.Variance);
        var d = phi.Derivative ?? throw new InvalidOperationException($"Activation '{phi}' has no derivative.");
        return GaussianExpectation.Evaluate(v => { double y = d(v); return y * y; }, x.Mean, x.Variance, Breakpoints(phi));
    }

    private static ReadOnlySpan<double> Breakpoints(Activation phi) => phi.Breakpoints is double[] a ? a : [.. phi.Breakpoints];
}
