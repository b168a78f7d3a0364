namespace WeightInit.IO;

/// <summary>The element types a tensor file can hold.</summary>
public enum TensorDType
{
    /// <summary>IEEE binary32 ("F32" in safetensors, "&lt;f4" in NumPy).</summary>
    Float32,
    /// <summary>IEEE binary64 ("F64" in safetensors, "&lt;f8" in NumPy).</summary>
    Float64,
    /// <summary>IEEE binary16 ("F16" in safetensors, "&lt;f2" in NumPy).</summary>
    Float16,
    /// <summary>bfloat16: the upper 16 bits of a binary32 ("BF16" in safetensors; NumPy has no such type).</summary>
    BFloat16,
}

/// <summary>Parsing and per-format names of <see cref="TensorDType"/>.</summary>
public static class TensorDTypes
{
    /// <summary>Every spelling <see cref="Parse"/> accepts (case-insensitive), with its type, in the order shown in errors.</summary>
    public static IReadOnlyList<(string Name, TensorDType DType)> Spellings { get; } =
    [
        ("f32", TensorDType.Float32), ("float32", TensorDType.Float32), ("float", TensorDType.Float32), ("single", TensorDType.Float32),
        ("f64", TensorDType.Float64), ("float64", TensorDType.Float64), ("double", TensorDType.Float64),
        ("f16", TensorDType.Float16), ("float16", TensorDType.Float16), ("half", TensorDType.Float16),
        ("bf16", TensorDType.BFloat16), ("bfloat16", TensorDType.BFloat16),
    ];

    /// <summary>The type named by <paramref name="text"/>: "f32"/"float32"/"float"/"single", "f64"/"float64"/"double",
    /// "f16"/"float16"/"half" or "bf16"/"bfloat16", in any case, with or without '_' and '-' (<see cref="Naming.Vocabulary.Key"/>;
    /// so the safetensors names "F32", "BF16" parse too). The one reader of dtype names.</summary>
    /// <exception cref="ArgumentException">The text names none of them; the message lists the choices.</exception>
    public static TensorDType Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParse(text, out var dtype))
            return dtype;
        throw new ArgumentException(
            $"Unknown element type '{text}'; valid: f32, f64, f16, bf16 (also {string.Join(", ", Spellings.Select(s => s.Name).Where(n => n is not ("f32" or "f64" or "f16" or "bf16")))}; case-insensitive)." + Naming.Vocabulary.DidYouMean(text, Spellings.Select(s => s.Name)));
    }

    /// <summary>Like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string? text, out TensorDType dtype)
    {
        string key = Naming.Vocabulary.Key(text ?? "");
        foreach (var (name, type) in Spellings)
        {
            if (name == key)
            {
                dtype = type;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    /// <summary>The short command-line name: "f32", "f64", "f16" or "bf16".</summary>
    public static string ShortName(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => "f32",
        TensorDType.Float64 => "f64",
        TensorDType.Float16 => "f16",
        TensorDType.BFloat16 => "bf16",
        _ => throw Unknown(dtype),
    };

    /// <summary>Bytes per element: 4, 8, 2 or 2.</summary>
    public static int ElementSize(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => 4,
        TensorDType.Float64 => 8,
        TensorDType.Float16 => 2,
        TensorDType.BFloat16 => 2,
        _ => throw Unknown(dtype),
    };

    /// <summary>The safetensors header name: "F32", "F64", "F16" or "BF16".</summary>
    public static string SafetensorsName(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => "F32",
        TensorDType.Float64 => "F64",
        TensorDType.Float16 => "F16",
        TensorDType.BFloat16 => "BF16",
        _ => throw Unknown(dtype),
    };

    /// <summary>The type whose safetensors name is exactly <paramref name="name"/> (the format's names are case-sensitive).</summary>
    /// <exception cref="ArgumentException">Not one of "F32", "F64", "F16", "BF16".</exception>
    public static TensorDType FromSafetensorsName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name switch
        {
            "F32" => TensorDType.Float32,
            "F64" => TensorDType.Float64,
            "F16" => TensorDType.Float16,
            "BF16" => TensorDType.BFloat16,
            _ => throw new ArgumentException($"Unsupported safetensors dtype '{name}'; supported: F32, F64, F16, BF16.", nameof(name)),
        };
    }

    /// <summary>True when NumPy has the type (every type but <see cref="TensorDType.BFloat16"/>).</summary>
    public static bool HasNumpyDescr(this TensorDType dtype) => dtype is TensorDType.Float32 or TensorDType.Float64 or TensorDType.Float16;

    /// <summary>The little-endian NumPy type string: "&lt;f4", "&lt;f8" or "&lt;f2".</summary>
    /// <exception cref="NotSupportedException">bfloat16, which NumPy cannot represent.</exception>
    public static string NumpyDescr(this TensorDType dtype) => dtype switch
    {
        TensorDType.Float32 => "<f4",
        TensorDType.Float64 => "<f8",
        TensorDType.Float16 => "<f2",
        TensorDType.BFloat16 => throw new NotSupportedException(NoNumpyBFloat16),
        _ => throw Unknown(dtype),
    };

    /// <summary>Why bfloat16 cannot go to .npy/.npz, and what to do instead.</summary>
    internal const string NoNumpyBFloat16 =
        "NumPy has no bfloat16 type, so bf16 cannot be written to .npy/.npz: write safetensors (which has BF16) or choose f32.";

    private static ArgumentOutOfRangeException Unknown(TensorDType dtype) =>
        new(nameof(dtype), dtype, $"Unknown {nameof(TensorDType)} value; valid: {string.Join(", ", Enum.GetNames<TensorDType>())}.");
}
