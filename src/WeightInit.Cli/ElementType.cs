namespace WeightInit.Cli;

/// <summary>The element types the library fills.</summary>
internal enum ElementType
{
    /// <summary>IEEE binary32 (<see cref="float"/>).</summary>
    F32,
    /// <summary>IEEE binary64 (<see cref="double"/>).</summary>
    F64,
    /// <summary>IEEE binary16 (<see cref="Half"/>): the float32 value rounded to nearest even.</summary>
    F16,
    /// <summary>bfloat16 bit patterns: the float32 value rounded to nearest even.</summary>
    BF16,
}

/// <summary>Sizes and names of <see cref="ElementType"/>.</summary>
internal static class ElementTypes
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this ElementType type) => type switch
    {
        ElementType.F32 => 4,
        ElementType.F64 => 8,
        _ => 2,
    };

    /// <summary>The command-line name (f32, f64, f16, bf16).</summary>
    public static string Name(this ElementType type) => type.ToString().ToLowerInvariant();
}
