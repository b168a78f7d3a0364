using WeightInit.Initializers;
using WeightInit.Shapes;

namespace WeightInit.Cli;

/// <summary>Reads the command line's words for layouts, conventions, element types and shapes; a bad word gets a message listing the valid ones.</summary>
internal static class CliParsing
{
    /// <summary>Lower case without '_', '-', '.' and spaces, so that <c>OutInKernel</c>, <c>out_in_kernel</c> and <c>out-in-kernel</c> match.</summary>
    private static string Key(string text) =>
        new string(text.Where(c => c is not ('_' or '-' or ' ' or '.')).ToArray()).ToLowerInvariant();

    /// <summary>A <see cref="WeightLayout"/> by its name, in any case, with or without separators.</summary>
    public static WeightLayout Layout(string text)
    {
        // Short spellings: PyTorch/ONNX "oihw" (also caffe), TensorFlow/Keras "hwio".
        switch (Key(text))
        {
            case "oihw" or "oi" or "caffe" or "pytorch" or "torch" or "onnx": return WeightLayout.OutInKernel;
            case "hwio" or "io" or "keras" or "jax" or "tf": return WeightLayout.KernelInOut;
            case "iohw": return WeightLayout.InOutKernel;
        }
        foreach (var layout in Enum.GetValues<WeightLayout>())
            if (Key(layout.ToString()) == Key(text)) return layout;
        throw new UsageException($"Unknown layout '{text}'. Valid layouts: {string.Join(", ", Enum.GetNames<WeightLayout>())}, or oihw/caffe, hwio, iohw (PyTorch weights are OutInKernel, Keras kernels KernelInOut).");
    }

    /// <summary>A <see cref="FanConvention"/> by its name, or null for "exact".</summary>
    public static FanConvention? Convention(string text)
    {
        if (Key(text) == "exact") return null;
        foreach (var convention in Enum.GetValues<FanConvention>())
            if (Key(convention.ToString()) == Key(text)) return convention;
        throw new UsageException($"Unknown fan convention '{text}'. Valid conventions: exact, {string.Join(", ", Enum.GetNames<FanConvention>().Select(n => n.ToLowerInvariant()))}.");
    }

    /// <summary>An element type: f32 (float32, float, single), f64 (float64, double), f16 (float16, half), bf16 (bfloat16).</summary>
    public static ElementType ElementType(string text) => Key(text) switch
    {
        "f32" or "float32" or "float" or "single" => Cli.ElementType.F32,
        "f64" or "float64" or "double" => Cli.ElementType.F64,
        "f16" or "float16" or "half" => Cli.ElementType.F16,
        "bf16" or "bfloat16" => Cli.ElementType.BF16,
        _ => throw new UsageException($"Unknown dtype '{text}'. Valid dtypes: f32, f64, f16, bf16."),
    };

    /// <summary>A shape such as <c>[256,128,3,3]</c> or <c>256x128x3x3</c> with its layout and groups.</summary>
    public static WeightShape Shape(string text, WeightLayout layout, int groups)
    {
        try
        {
            return WeightShape.Parse(text, layout, groups);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
