using System.Globalization;

namespace WeightInit.Training.Optimization;

/// <summary>The learning rate as a function of the update number t = 0, 1, 2, …</summary>
/// <remarks>
/// Text forms (see <see cref="Parse"/>): <c>constant</c>, <c>step:every=N,factor=F</c>, <c>cosine:total=N,min=M</c>,
/// <c>inverse_time:t0=T</c>. All are multipliers of a base rate: <see cref="Rate"/> returns base·m(t).
/// </remarks>
public abstract record LearningRateSchedule
{
    /// <summary>The rate for update <paramref name="update"/> (counted from 0) given the base rate.</summary>
    public abstract double Rate(double baseRate, long update);

    /// <summary>The rate stays at the base rate: Glorot &amp; Bengio's plain SGD.</summary>
    public static LearningRateSchedule Constant { get; } = new ConstantSchedule();

    /// <summary>The schedule names <see cref="Parse"/> accepts, with an example each.</summary>
    public static IReadOnlyList<string> Forms { get; } = ["constant", "step:every=1000,factor=0.1", "cosine:total=5000,min=0", "inverse_time:t0=1000"];

    /// <summary>Parses a schedule from its text form.</summary>
    /// <exception cref="ArgumentException">Unknown name, unknown or bad argument; the message lists the valid forms.</exception>
    public static LearningRateSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string name = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        var args = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        if (colon >= 0)
            foreach (var part in text[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
                if (kv.Length != 2 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                    throw new ArgumentException($"Learning-rate schedule '{text}': '{part}' is not name=number; valid forms: {string.Join(", ", Forms)}.");
                args[kv[0]] = v;
            }
        double Get(string key, double? fallback)
        {
            if (args.Remove(key, out double v)) return v;
            return fallback ?? throw new ArgumentException($"Learning-rate schedule '{text}' needs {key}=…; valid forms: {string.Join(", ", Forms)}.");
        }
        LearningRateSchedule result = name switch
        {
            "constant" => Constant,
            "step" => new StepSchedule((long)Get("every", null), Get("factor", 0.1)),
            "cosine" => new CosineSchedule((long)Get("total", null), Get("min", 0)),
            "inverse_time" or "1/t" => new InverseTimeSchedule(Get("t0", null)),
            _ => throw new ArgumentException($"Unknown learning-rate schedule '{name}'; valid forms: {string.Join(", ", Forms)}."),
        };
        if (args.Count > 0)
            throw new ArgumentException($"Learning-rate schedule '{text}': unknown argument {string.Join(", ", args.Keys)}; valid forms: {string.Join(", ", Forms)}.");
        return result;
    }
}

/// <summary>m(t) = 1.</summary>
public sealed record ConstantSchedule : LearningRateSchedule
{
    /// <inheritdoc/>
    public override double Rate(double baseRate, long update) => baseRate;

    /// <inheritdoc/>
    public override string ToString() => "constant";
}

/// <summary>m(t) = factor^⌊t / every⌋: the rate drops by <paramref name="Factor"/> every <paramref name="Every"/> updates.</summary>
/// <remarks>PyTorch's <c>StepLR(step_size=every, gamma=factor)</c> counted in updates; He et al. divided by 10 on plateaus.</remarks>
/// <param name="Every">Updates between drops (positive).</param>
/// <param name="Factor">Multiplier per drop, in (0, 1].</param>
public sealed record StepSchedule(long Every, double Factor) : LearningRateSchedule
{
    /// <summary>Updates between drops.</summary>
    public long Every { get; } = Every > 0 ? Every : throw new ArgumentException($"step: every must be positive; got {Every}.");

    /// <summary>Multiplier per drop.</summary>
    public double Factor { get; } = Factor is > 0 and <= 1 ? Factor : throw new ArgumentException($"step: factor must lie in (0, 1]; got {Factor}.");

    /// <inheritdoc/>
    public override double Rate(double baseRate, long update) => baseRate * Math.Pow(Factor, update / Every);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"step:every={Every},factor={Factor:R}");
}

/// <summary>m(t) = min + (1 − min)·(1 + cos(π·min(t, total)/total))/2: half a cosine from 1 down to <paramref name="Minimum"/>.</summary>
/// <remarks>Loshchilov &amp; Hutter's SGDR without restarts; PyTorch's <c>CosineAnnealingLR(T_max=total, eta_min=min·base)</c>.</remarks>
/// <param name="Total">Updates over which the rate decays (positive).</param>
/// <param name="Minimum">Final multiplier, in [0, 1].</param>
public sealed record CosineSchedule(long Total, double Minimum) : LearningRateSchedule
{
    /// <summary>Updates over which the rate decays.</summary>
    public long Total { get; } = Total > 0 ? Total : throw new ArgumentException($"cosine: total must be positive; got {Total}.");

    /// <summary>Final multiplier.</summary>
    public double Minimum { get; } = Minimum is >= 0 and <= 1 ? Minimum : throw new ArgumentException($"cosine: min must lie in [0, 1]; got {Minimum}.");

    /// <inheritdoc/>
    public override double Rate(double baseRate, long update) =>
        baseRate * (Minimum + (1 - Minimum) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(update, Total) / Total)));

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"cosine:total={Total},min={Minimum:R}");
}

/// <summary>m(t) = t0 / (t0 + t): the 1/t decay of stochastic approximation, constant for t ≪ t0.</summary>
/// <remarks>Bengio's "ε_t = ε₀τ/max(t, τ)" family, smoothed; used for long online runs such as Glorot &amp; Bengio's.</remarks>
/// <param name="T0">Updates until the rate has halved (positive).</param>
public sealed record InverseTimeSchedule(double T0) : LearningRateSchedule
{
    /// <summary>Updates until the rate has halved.</summary>
    public double T0 { get; } = T0 > 0 ? T0 : throw new ArgumentException($"inverse_time: t0 must be positive; got {T0}.");

    /// <inheritdoc/>
    public override double Rate(double baseRate, long update) => baseRate * T0 / (T0 + update);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"inverse_time:t0={T0:R}");
}
