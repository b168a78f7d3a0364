namespace WeightInit.Sampling;

/// <summary>How a fill runs. None of these settings changes a single output bit.</summary>
public sealed record SamplingOptions
{
    /// <summary>The default: every core, vector path.</summary>
    public static SamplingOptions Default { get; } = new();

    /// <summary>The largest number of threads to use; 0 (the default) means <see cref="Environment.ProcessorCount"/>.</summary>
    public int MaxThreads { get; init; }

    /// <summary>Runs the scalar reference path instead of the vector path (for verification; same bits, slower).</summary>
    public bool ForceScalar { get; init; }

    internal int EffectiveThreads => MaxThreads > 0 ? MaxThreads : Environment.ProcessorCount;
}
