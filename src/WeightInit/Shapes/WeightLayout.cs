namespace WeightInit.Shapes;

/// <summary>Which axes of a weight tensor hold the output channels, the input channels and the kernel (receptive field).</summary>
/// <remarks>
/// The layout is always stated by the caller: the same shape means different fans in different layouts
/// (a Keras <c>[3, 3, 64, 128]</c> kernel and a PyTorch <c>[3, 3, 64, 128]</c> weight are different layers).
/// <c>g</c> below is the number of groups passed next to the layout; <c>k…</c> are zero or more kernel axes.
/// </remarks>
public enum WeightLayout
{
    /// <summary><c>[out, in/g, k…]</c>: PyTorch <c>nn.Conv*d</c> and <c>nn.Linear</c> (rank 2), ONNX Conv and Gemm(transB=1), Caffe, MXNet, TorchSharp.</summary>
    OutInKernel,

    /// <summary><c>[k…, in/g, out]</c>: Keras / TensorFlow <c>Conv*D</c> and <c>Dense</c> (rank 2), Flax <c>Conv</c> (with <c>feature_group_count</c>) and <c>Dense</c>.</summary>
    KernelInOut,

    /// <summary><c>[in, out/g, k…]</c>: transposed convolution in PyTorch (<c>nn.ConvTranspose*d</c>), ONNX ConvTranspose, Caffe Deconvolution, MXNet Deconvolution.</summary>
    InOutKernel,

    /// <summary><c>[k…, out/g, in]</c>: transposed convolution in Keras / TensorFlow (<c>Conv*DTranspose</c>) and Flax <c>ConvTranspose(transpose_kernel=True)</c>.</summary>
    KernelOutIn,

    /// <summary><c>[k…, in, multiplier]</c>: Keras / TensorFlow <c>DepthwiseConv*D</c> (one filter bank of <c>multiplier</c> filters per input channel).</summary>
    KernelInMultiplier,

    /// <summary><c>[out, in]</c>, rank 2 only: a dense layer computing <c>x · Wᵀ</c> (PyTorch <c>nn.Linear</c>, ONNX Gemm with transB=1).</summary>
    OutIn,

    /// <summary><c>[in, out]</c>, rank 2 only: a dense layer computing <c>x · W</c> (Keras <c>Dense</c>, Flax / JAX <c>Dense</c>, ONNX MatMul).</summary>
    InOut,
}

/// <summary>The one reader of layout names (command line, model and checkpoint specs alike).</summary>
public static class WeightLayouts
{
    /// <summary>Every short spelling beside the enum names, with its layout: PyTorch/ONNX/Caffe "oihw", TensorFlow/Keras/JAX "hwio", transposed "iohw".</summary>
    public static IReadOnlyList<(string Name, WeightLayout Layout)> Aliases { get; } =
    [
        ("oihw", WeightLayout.OutInKernel), ("oi", WeightLayout.OutInKernel), ("caffe", WeightLayout.OutInKernel),
        ("pytorch", WeightLayout.OutInKernel), ("torch", WeightLayout.OutInKernel), ("onnx", WeightLayout.OutInKernel),
        ("hwio", WeightLayout.KernelInOut), ("io", WeightLayout.KernelInOut), ("keras", WeightLayout.KernelInOut),
        ("jax", WeightLayout.KernelInOut), ("tf", WeightLayout.KernelInOut),
        ("iohw", WeightLayout.InOutKernel),
    ];

    /// <summary>The layout named by <paramref name="text"/>: an enum name (any case, with or without '_', '-', spaces) or one of <see cref="Aliases"/>.</summary>
    /// <exception cref="ArgumentException">No layout has that name; the message suggests the nearest and lists the valid ones.</exception>
    public static WeightLayout Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParse(text, out var layout)) return layout;
        throw new ArgumentException(Naming.Vocabulary.Unknown("layout", text,
            Enum.GetNames<WeightLayout>().Concat(Aliases.Select(a => a.Name))) +
            " PyTorch weights are OutInKernel, Keras kernels KernelInOut.");
    }

    /// <summary>Like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string? text, out WeightLayout layout)
    {
        layout = default;
        if (text is null) return false;
        string key = Naming.Vocabulary.Key(text);
        foreach (var (name, value) in Aliases)
            if (name == key) { layout = value; return true; }
        foreach (var value in Enum.GetValues<WeightLayout>())
            if (Naming.Vocabulary.Key(value.ToString()) == key) { layout = value; return true; }
        return false;
    }
}
