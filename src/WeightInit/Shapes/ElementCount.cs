namespace WeightInit.Shapes;

/// <summary>The one element count of a tensor shape: the product of its dimensions, checked (shapes, tensor files and
/// checkpoint plans all count through it, so each refuses the same shapes with the same message).</summary>
public static class ElementCount
{
    /// <summary>The product of <paramref name="dimensions"/> (1 for a scalar, 0 when a dimension is 0).</summary>
    /// <param name="dimensions">Dimensions, outermost first.</param>
    /// <param name="tensorName">The tensor's name for the message, if it has one.</param>
    /// <exception cref="ArgumentException">A negative dimension, or a product past <see cref="long.MaxValue"/> (2⁶³ − 1).</exception>
    public static long Of(IReadOnlyList<long> dimensions, string? tensorName = null)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        string what = tensorName is null ? "the shape" : $"the shape of '{tensorName}'";
        long count = 1;
        bool overflow = false;
        for (int i = 0; i < dimensions.Count; i++)
        {
            long d = dimensions[i];
            if (d < 0)
                throw new ArgumentException($"Dimension {i} of {what} is {d}; dimensions must be zero or positive.");
            // A zero anywhere makes the count 0 even where a product of the others overflows.
            if (d == 0) return ZeroUnlessNegative(dimensions, i + 1, what);
            if (overflow) continue;
            if (count > long.MaxValue / d) overflow = true;
            else count *= d;
        }
        if (overflow)
            throw new ArgumentException($"{what} [{string.Join(", ", dimensions)}] has more elements than a 64-bit count holds.");
        return count;
    }

    /// <summary>The product of <paramref name="dimensions"/>, as <see cref="Of(IReadOnlyList{long}, string?)"/>.</summary>
    public static long Of(IReadOnlyList<int> dimensions, string? tensorName = null)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        return Of(dimensions.Select(d => (long)d).ToArray(), tensorName);
    }

    private static long ZeroUnlessNegative(IReadOnlyList<long> dimensions, int from, string what)
    {
        for (int i = from; i < dimensions.Count; i++)
            if (dimensions[i] < 0)
                throw new ArgumentException($"Dimension {i} of {what} is {dimensions[i]}; dimensions must be zero or positive.");
        return 0;
    }
}
