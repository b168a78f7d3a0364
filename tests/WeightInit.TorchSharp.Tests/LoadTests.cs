using TorchSharp;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Tests;

/// <summary>libtorch loads (the Debian 12 weak-GLIBCXX copy of libLibTorchSharp.so) and computes.</summary>
public sealed class LoadTests
{
    [Fact]
    public void LibTorchLoadsAndComputes()
    {
        using var a = torch.arange(6, ScalarType.Float32).reshape(2, 3);
        using var s = a.sum();
        Assert.Equal(15f, s.item<float>());
    }
}
