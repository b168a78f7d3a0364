using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Benchmarks;

/// <summary>Every parameter of a module of several layer types (Embedding 32000 × 512, Linear 512 → 2048 → 512, Conv2d 256 → 256
/// 3 × 3, LSTM 512 → 512; weights only, no biases), initialized as <see cref="InitBenchmarks"/> says.</summary>
public class ModuleInitBenchmarks : InitBenchmarks
{
    /// <inheritdoc/>
    protected override nn.Module CreateModule() => new Layers();

    private sealed class Layers : nn.Module
    {
        public Layers() : base(nameof(Layers))
        {
            register_module("emb", nn.Embedding(32000, 512));
            register_module("up", nn.Linear(512, 2048, hasBias: false));
            register_module("down", nn.Linear(2048, 512, hasBias: false));
            register_module("conv", nn.Conv2d(256, 256, 3, bias: false));
            register_module("lstm", nn.LSTM(512, 512, bias: false));
        }
    }
}
