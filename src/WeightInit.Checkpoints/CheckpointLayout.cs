using WeightInit.IO;

namespace WeightInit.Checkpoints;

/// <summary>The file formats a checkpoint can be written in.</summary>
public enum CheckpointFormat
{
    /// <summary>safetensors: one <c>model.safetensors</c>, or shards <c>model-0000k-of-0000n.safetensors</c> with <c>model.safetensors.index.json</c>.</summary>
    Safetensors,
    /// <summary>One NumPy <c>NAME.npy</c> per tensor.</summary>
    Npy,
    /// <summary>One NumPy archive <c>model.npz</c> (uncompressed) holding every tensor.</summary>
    Npz,
}

/// <summary>One file of a checkpoint and the plan positions of the tensors it holds, in file order.</summary>
/// <param name="Index">0-based position among the files; rank r of w writes the files with Index % w == r.</param>
/// <param name="FileName">The file's name in the checkpoint directory.</param>
/// <param name="Tensors">Plan positions, in file order.</param>
public sealed record CheckpointFile(int Index, string FileName, IReadOnlyList<int> Tensors);

/// <summary>Which tensor goes to which file: a pure function of the plan, the format and the shard size.</summary>
public static class CheckpointLayout
{
    /// <summary>The name of an unsharded safetensors checkpoint.</summary>
    public const string SingleFileName = "model.safetensors";
    /// <summary>The name of the .npz archive.</summary>
    public const string NpzFileName = "model.npz";
    /// <summary>Hugging Face's default largest shard: 5 GB (huggingface_hub MAX_SHARD_SIZE = 5_000_000_000).</summary>
    public const long DefaultShardBytes = 5_000_000_000;

    /// <summary>The files of <paramref name="plan"/> in <paramref name="format"/>.</summary>
    /// <remarks>safetensors shards are filled greedily in plan order, as huggingface_hub does: a tensor starts a new shard when
    /// adding it would pass <paramref name="shardBytes"/> (tensor bytes, headers not counted) and the current shard is not empty, so a
    /// tensor larger than the limit sits alone. One shard is written as <c>model.safetensors</c> without an index.</remarks>
    /// <exception cref="ArgumentException"><paramref name="shardBytes"/> ≤ 0, or (npy) a tensor name that is not a plain file name, or
    /// (npy, npz) a bfloat16 tensor.</exception>
    public static IReadOnlyList<CheckpointFile> Files(CheckpointPlan plan, CheckpointFormat format, long shardBytes = DefaultShardBytes)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (shardBytes <= 0) throw new ArgumentException($"The shard size must be positive; got {shardBytes} bytes.");
        foreach (var t in plan.Tensors)
        {
            // One validator for every format: no name may leave its directory; npy and npz names become file or member names.
            if (format == CheckpointFormat.Safetensors) TensorNames.Check(t.Name);
            else TensorNames.CheckFileName(t.Name, format == CheckpointFormat.Npy ? "npy" : "npz");
        }
        if (format != CheckpointFormat.Safetensors)
            foreach (var t in plan.Tensors)
                if (!t.DType.HasNumpyDescr())
                    throw new ArgumentException($"Tensor '{t.Name}' is bfloat16, which NumPy has no type for: write --format safetensors, or choose --dtype f32.");
        switch (format)
        {
            case CheckpointFormat.Safetensors:
            {
                var shards = new List<List<int>>();
                long current = 0;
                for (int i = 0; i < plan.Tensors.Count; i++)
                {
                    long bytes = plan.Tensors[i].ByteLength;
                    if (shards.Count == 0 || (shards[^1].Count > 0 && current + bytes > shardBytes))
                    {
                        shards.Add([]);
                        current = 0;
                    }
                    shards[^1].Add(i);
                    current += bytes;
                }
                if (shards.Count == 1) return [new CheckpointFile(0, SingleFileName, shards[0])];
                return shards.Select((s, k) => new CheckpointFile(k, ShardIndex.ShardFileName(k + 1, shards.Count), s)).ToList();
            }
            case CheckpointFormat.Npy:
                return plan.Tensors.Select((t, i) => new CheckpointFile(i, NpyFileName(t.Name), [i])).ToList();
            case CheckpointFormat.Npz:
                return [new CheckpointFile(0, NpzFileName, Enumerable.Range(0, plan.Tensors.Count).ToList())];
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Valid formats: safetensors, npy, npz.");
        }
    }

    /// <summary><paramref name="fileName"/>, checked to be a plain file name that is not one of the checkpoint's own files.</summary>
    /// <exception cref="ArgumentException">A path, a leading '.', or the name of a data file, the index or the manifest.</exception>
    public static string CompanionFileName(string fileName, IReadOnlyList<CheckpointFile> files)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentNullException.ThrowIfNull(files);
        if (fileName.StartsWith('.') || fileName.IndexOfAny(['/', '\\', ':', '\0']) >= 0)
            throw new ArgumentException($"Companion file '{fileName}' must be a plain file name (no '/', '\\', ':' and no leading '.').");
        if (fileName is ShardIndex.IndexFileName or CheckpointPlan.ManifestFileName || files.Any(f => f.FileName == fileName)
            || fileName.EndsWith(CheckpointWriter.SidecarSuffix, StringComparison.Ordinal))
            throw new ArgumentException($"Companion file '{fileName}' would overwrite one of the checkpoint's own files.");
        return fileName;
    }

    /// <summary>"NAME.npy", checked to be a plain file name.</summary>
    /// <exception cref="ArgumentException">The name is not a plain file name (<see cref="TensorNames.CheckFileName"/>).</exception>
    public static string NpyFileName(string tensorName)
    {
        TensorNames.CheckFileName(tensorName, "npy");
        return tensorName + ".npy";
    }

    /// <summary>The format named <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentException">Not safetensors, npy or npz.</exception>
    public static CheckpointFormat ParseFormat(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "safetensors" or "st" => CheckpointFormat.Safetensors,
        "npy" => CheckpointFormat.Npy,
        "npz" => CheckpointFormat.Npz,
        _ => throw new ArgumentException($"Unknown format '{text}'; valid: safetensors, npy, npz."),
    };

    /// <summary>A byte size such as "5GB", "500MB", "64KiB", "1e9" or "123" (bytes). Decimal units are powers of 1000, "i" units of 1024.</summary>
    /// <param name="text">The size.</param>
    /// <param name="what">What the size is, for messages.</param>
    /// <exception cref="ArgumentException">Not a size, or not positive.</exception>
    public static long ParseSize(string text, string what = "shard size")
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim().ToUpperInvariant().Replace(" ", "");
        (string Suffix, double Factor)[] units =
        [
            ("TIB", 1L << 40), ("GIB", 1L << 30), ("MIB", 1L << 20), ("KIB", 1L << 10),
            ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("B", 1),
        ];
        double factor = 1;
        foreach (var (suffix, f) in units)
            if (s.EndsWith(suffix, StringComparison.Ordinal)) { factor = f; s = s[..^suffix.Length]; break; }
        if (!double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value) || value * factor >= long.MaxValue)
            throw new ArgumentException($"Cannot read the {what} '{text}'; write e.g. 5GB, 500MB, 64KiB or a byte count.");
        long bytes = (long)Math.Round(value * factor);
        if (bytes <= 0) throw new ArgumentException($"The {what} must be positive; got '{text}'.");
        return bytes;
    }
}
