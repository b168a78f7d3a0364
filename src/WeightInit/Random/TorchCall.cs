using System.Globalization;

namespace WeightInit.Random;

/// <summary>Which torch.nn.init primitive a <see cref="TorchCall"/> is.</summary>
public enum TorchCallKind
{
    /// <summary><c>uniform_(A, B)</c>.</summary>
    Uniform,

    /// <summary><c>normal_(A, B)</c> (mean, std).</summary>
    Normal,

    /// <summary><c>fill_(A)</c> (no draws).</summary>
    Fill,
}

/// <summary>One PyTorch init call on a tensor: <c>uniform_(from, to)</c>, <c>normal_(mean, std)</c> or <c>fill_(value)</c>,
/// applied to a <see cref="TorchCpuGenerator"/> by <see cref="TorchCpuGenerator.Apply(TorchCall, Span{float})"/>.</summary>
/// <param name="Kind">The primitive.</param>
/// <param name="A">from, mean or the fill value.</param>
/// <param name="B">to or std (unused for fill).</param>
public readonly record struct TorchCall(TorchCallKind Kind, double A, double B)
{
    /// <summary>The values drawn are set to 0 afterwards, as a constructor that draws and then calls <c>zero_()</c> does
    /// (the draw still advances the stream).</summary>
    public bool ThenZero { get; init; }

    /// <summary><c>uniform_(−bound, bound)</c>.</summary>
    public static TorchCall Uniform(double bound) => new(TorchCallKind.Uniform, -bound, bound);

    /// <summary><c>fill_(value)</c>.</summary>
    public static TorchCall Fill(double value) => new(TorchCallKind.Fill, value, 0);

    /// <summary>The call as PyTorch writes it, e.g. <c>uniform_(-0.125, 0.125)</c>.</summary>
    public override string ToString() => (ThenZero ? "zero_ after " : "") + Kind switch
    {
        TorchCallKind.Uniform => string.Create(CultureInfo.InvariantCulture, $"uniform_({A:R}, {B:R})"),
        TorchCallKind.Normal => string.Create(CultureInfo.InvariantCulture, $"normal_({A:R}, {B:R})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"fill_({A:R})"),
    };
}
