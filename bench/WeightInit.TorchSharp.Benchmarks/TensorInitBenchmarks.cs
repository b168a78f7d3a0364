using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Benchmarks;

/// <summary>One 4096 × 4096 float32 parameter (2²⁴ elements; the weight of a bias-free <c>Linear(4096, 4096)</c>, so that
/// WeightInit has its fans), initialized as <see cref="InitBenchmarks"/> says.</summary>
public class TensorInitBenchmarks : InitBenchmarks
{
    private const int Side = 4096; // 4096² = 2²⁴

    /// <inheritdoc/>
    protected override nn.Module CreateModule() => nn.Linear(Side, Side, hasBias: false);
}
