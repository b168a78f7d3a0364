using System.Runtime.InteropServices;
using TorchSharp;
using WeightInit.Checkpoints;
using WeightInit.IO;
using static TorchSharp.torch;

namespace WeightInit.TorchSharp.Tests;

/// <summary>Helpers shared by the TorchSharp tests.</summary>
internal static class TestTensors
{
    public static readonly ScalarType[] FloatTypes = [ScalarType.Float32, ScalarType.Float64, ScalarType.Float16, ScalarType.BFloat16];

    /// <summary>A tensor's elements in logical (row-major) order as raw bytes, read through a contiguous CPU copy.</summary>
    public static byte[] Bytes(Tensor t)
    {
        using var c = t.detach().cpu().contiguous();
        return c.bytes.ToArray();
    }

    /// <summary>A tensor's elements as doubles, logical order.</summary>
    public static double[] Values(Tensor t)
    {
        using var c = t.detach().cpu().to(ScalarType.Float64).contiguous();
        return c.data<double>().ToArray();
    }

    public static TensorDType ToDType(ScalarType t) => t switch
    {
        ScalarType.Float32 => TensorDType.Float32,
        ScalarType.Float64 => TensorDType.Float64,
        ScalarType.Float16 => TensorDType.Float16,
        ScalarType.BFloat16 => TensorDType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(t)),
    };

    /// <summary>The bytes <c>weightinit init</c> writes for a tensor: the checkpoint plan (its key derivation,
    /// <see cref="CheckpointPlan.KeyOf"/>, and its sources) for one declaration.</summary>
    public static byte[] PlanBytes(TensorDeclaration declaration, ulong seed, TensorDType dtype)
    {
        var plan = CheckpointPlan.Create([declaration], InitPolicy.Default, seed, dtype);
        var source = plan.Sources([0])[0];
        var bytes = new byte[source.ByteLength];
        source.Fill(0, bytes);
        return bytes;
    }

    /// <summary>The declaration of a module tensor as its module type states it (layout and groups).</summary>
    public static TensorDeclaration Declare(ModuleTensor t, string spec) =>
        new(t.Name, t.Dimensions, Layout: t.Shape?.Layout, Groups: t.Shape?.Groups ?? 1, Initializer: spec);

    /// <summary>The parameter named <paramref name="name"/> (full name).</summary>
    public static Tensor Param(nn.Module module, string name) =>
        module.named_parameters().Single(p => p.name == name).parameter;

    /// <summary>The buffer named <paramref name="name"/> (full name).</summary>
    public static Tensor Buffer(nn.Module module, string name) =>
        module.named_buffers().Single(p => p.name == name).buffer;

    public static float[] Singles(byte[] bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();
}
