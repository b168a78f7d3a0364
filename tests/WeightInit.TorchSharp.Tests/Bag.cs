using TorchSharp;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Tests;

/// <summary>A container of named submodules of any kind (Sequential takes only Tensor→Tensor modules).</summary>
internal sealed class Bag : nn.Module
{
    public Bag(params (string Name, nn.Module Module)[] modules) : base(nameof(Bag))
    {
        foreach (var (name, module) in modules) register_module(name, module);
    }
}
