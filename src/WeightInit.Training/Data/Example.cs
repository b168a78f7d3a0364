namespace WeightInit.Training.Data;

/// <summary>One labelled image: grey pixels in [0, 1], row-major from the top-left corner, and its class index.</summary>
/// <remarks>Equality compares the pixel memory by reference (as <see cref="ReadOnlyMemory{T}"/> does), not element by element.</remarks>
/// <param name="Pixels">The pixels, row after row; each value lies in [0, 1].</param>
/// <param name="Label">The class index, in [0, number of classes).</param>
public readonly record struct Example(ReadOnlyMemory<float> Pixels, int Label);
