using System.Numerics;
using System.Runtime.InteropServices;
using WeightInit.Models;

namespace WeightInit.Training.Optimization;

/// <summary>Settings of stochastic gradient descent.</summary>
/// <param name="LearningRate">Base learning rate ε (positive).</param>
/// <param name="Momentum">Momentum μ in [0, 1); 0 is plain SGD (Glorot &amp; Bengio), 0.9 He et al.</param>
/// <param name="WeightDecay">L2 coefficient λ ≥ 0 added to the gradient of weight tensors (not biases); He et al. used 5·10⁻⁴.</param>
/// <param name="Schedule">The learning-rate schedule; null for constant.</param>
public sealed record SgdOptions(double LearningRate, double Momentum = 0, double WeightDecay = 0, LearningRateSchedule? Schedule = null)
{
    /// <summary>Throws when a field is out of range.</summary>
    /// <exception cref="ArgumentException">The message names the field and its valid range.</exception>
    public void Validate()
    {
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"The learning rate must be a positive number; got {LearningRate}.");
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentException($"Momentum must lie in [0, 1); got {Momentum}.");
        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay)) throw new ArgumentException($"Weight decay must be ≥ 0; got {WeightDecay}.");
    }

    /// <summary>The schedule in use: <see cref="Schedule"/> or constant.</summary>
    public LearningRateSchedule EffectiveSchedule => Schedule ?? LearningRateSchedule.Constant;
}

/// <summary>Stochastic gradient descent with momentum and weight decay over a <see cref="Network"/>'s parameters.</summary>
/// <remarks>
/// <para>Per tensor, with g the gradient of the mean minibatch loss: g' = g + λ·w (weights only), v ← μ·v + g', w ← w − ε_t·v.
/// This is PyTorch's <c>torch.optim.SGD(lr, momentum, weight_decay)</c> with dampening 0 and no Nesterov term
/// (PyTorch applies the decay to every tensor it is given; here biases get none, as in Caffe's usual <c>decay_mult: 0</c>).</para>
/// <para>The update is element-wise, so it is bit-for-bit reproducible: the vector loops do, lane by lane, the same float
/// multiplications, additions and subtractions, each rounded once (no fused multiply-add), as the scalar tail.</para>
/// </remarks>
public sealed class Sgd
{
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly float[][] _velocity;

    /// <summary>Creates an optimizer for <paramref name="parameters"/>.</summary>
    public Sgd(IReadOnlyList<Parameter> parameters, SgdOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _parameters = parameters;
        Options = options;
        _velocity = options.Momentum > 0 ? parameters.Select(p => new float[p.Value.Length]).ToArray() : [];
    }

    /// <summary>The settings.</summary>
    public SgdOptions Options { get; }

    /// <summary>Updates done so far.</summary>
    public long Updates { get; private set; }

    /// <summary>The learning rate the next <see cref="Step"/> will use.</summary>
    public double CurrentLearningRate => Options.EffectiveSchedule.Rate(Options.LearningRate, Updates);

    /// <summary>Applies one update from the gradients currently held by the parameters.</summary>
    public void Step()
    {
        float lr = (float)CurrentLearningRate, mu = (float)Options.Momentum;
        for (int p = 0; p < _parameters.Count; p++)
        {
            var parameter = _parameters[p];
            var w = parameter.Value.AsSpan();
            var g = parameter.Gradient.AsSpan();
            float decay = parameter.Tensor.Role == ParameterRole.Weight ? (float)Options.WeightDecay : 0f;
            if (_velocity.Length == 0) Plain(w, g, lr, decay);
            else WithMomentum(w, g, _velocity[p], lr, mu, decay);
        }
        Updates++;
    }

    // w ← w − ε·(g + λ·w).
    private static void Plain(Span<float> w, ReadOnlySpan<float> g, float lr, float decay)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vLr = new Vector<float>(lr);
            var vDecay = new Vector<float>(decay);
            ref float rw = ref MemoryMarshal.GetReference(w);
            ref float rg = ref MemoryMarshal.GetReference(g);
            for (; i <= w.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var wi = Vector.LoadUnsafe(ref rw, (nuint)i);
                var gi = Vector.LoadUnsafe(ref rg, (nuint)i);
                (wi - vLr * (gi + vDecay * wi)).StoreUnsafe(ref rw, (nuint)i);
            }
        }
        for (; i < w.Length; i++) w[i] -= lr * (g[i] + decay * w[i]);
    }

    // v ← μ·v + (g + λ·w), w ← w − ε·v.
    private static void WithMomentum(Span<float> w, ReadOnlySpan<float> g, Span<float> v, float lr, float mu, float decay)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vLr = new Vector<float>(lr);
            var vMu = new Vector<float>(mu);
            var vDecay = new Vector<float>(decay);
            ref float rw = ref MemoryMarshal.GetReference(w);
            ref float rg = ref MemoryMarshal.GetReference(g);
            ref float rv = ref MemoryMarshal.GetReference(v);
            for (; i <= w.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var wi = Vector.LoadUnsafe(ref rw, (nuint)i);
                var vi = vMu * Vector.LoadUnsafe(ref rv, (nuint)i) + (Vector.LoadUnsafe(ref rg, (nuint)i) + vDecay * wi);
                vi.StoreUnsafe(ref rv, (nuint)i);
                (wi - vLr * vi).StoreUnsafe(ref rw, (nuint)i);
            }
        }
        for (; i < w.Length; i++)
        {
            v[i] = mu * v[i] + (g[i] + decay * w[i]);
            w[i] -= lr * v[i];
        }
    }
}
