using System.Globalization;
using System.IO.Compression;
using WeightInit.IO;
using WeightInit.Sampling;

namespace WeightInit.Checkpoints;

/// <summary>The verdict on one tensor of a checkpoint.</summary>
/// <param name="Name">The tensor.</param>
/// <param name="File">The file holding it.</param>
/// <param name="Matches">Whether every byte equals the recomputed value.</param>
/// <param name="Detail">Where the first difference is, or why it could not be compared; empty when it matches.</param>
public sealed record TensorVerdict(string Name, string File, bool Matches, string Detail);

/// <summary>Recomputes a checkpoint's tensors from its manifest (<see cref="CheckpointPlan.ManifestFileName"/>) and compares them with the files, byte for byte.</summary>
/// <remarks>The file set must be the one the manifest's plan, format and shard size give; safetensors headers (with their
/// provenance metadata) must equal the expected bytes exactly, and a sharded checkpoint's index must agree with its shards.
/// Then every tensor, or an evenly spaced subset, is recomputed in chunks and compared.</remarks>
public static class CheckpointVerifier
{
    /// <summary>Verifies the checkpoint in <paramref name="directory"/>.</summary>
    /// <param name="directory">The checkpoint directory.</param>
    /// <param name="sample">How many tensors to recompute (evenly spaced, first and last included), or null for all.</param>
    /// <param name="threads">Threads for Philox fills (0: all cores).</param>
    /// <exception cref="ArgumentException">Not a complete checkpoint: the directory, its manifest, a file or the index is missing, an entry is
    /// a symbolic link or not a regular file, the manifest is unreadable or from another version, or <paramref name="sample"/> ≤ 0.</exception>
    /// <exception cref="InvalidDataException">The file set, a header or the index disagrees with the manifest; the message says where.</exception>
    public static IReadOnlyList<TensorVerdict> Verify(string directory, int? sample = null, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (sample is <= 0) throw new ArgumentException($"--sample must be a positive number of tensors; got {sample}.");
        string manifestPath = Path.Combine(directory, CheckpointPlan.ManifestFileName);
        if (File.Exists(directory))
            throw new ArgumentException($"'{directory}' is a file; give the checkpoint directory that 'weightinit init --out' wrote (it holds weightinit.json).");
        if (!Directory.Exists(directory)) throw new ArgumentException($"Checkpoint directory '{directory}' does not exist.");
        if (RegularFile.KindOf(manifestPath, followLinks: false) == FileKind.Missing)
            throw new ArgumentException($"'{directory}' has no {CheckpointPlan.ManifestFileName}: not a checkpoint written by 'weightinit init', or its run did not finish (rank 0 writes it last).");
        // Every entry read must be a regular file in the directory: a symbolic link could point anywhere, a FIFO blocks, /dev/zero never ends.
        string manifestText = RegularFile.ReadText(manifestPath, "The manifest", followLinks: false);
        CheckpointPlan plan;
        IReadOnlyDictionary<string, string> fileOf, extra;
        try { (plan, fileOf, extra) = CheckpointPlan.FromJson(manifestText); }
        catch (InvalidDataException e) { throw new ArgumentException($"'{manifestPath}': {e.Message}", e); }
        string written = extra.GetValueOrDefault("weightinit_version") ?? "";
        if (written != CheckpointPlan.LibraryVersion)
            throw new ArgumentException($"'{manifestPath}' was written by weightinit version '{written}'; this is version {CheckpointPlan.LibraryVersion}, " +
                $"which reproduces only the files its own version writes (manifest format, provenance and streams may differ): verify it with weightinit {written}.");
        var format = CheckpointLayout.ParseFormat(extra.GetValueOrDefault("format") ?? "safetensors");
        if (!long.TryParse(extra.GetValueOrDefault("shard_size") ?? CheckpointLayout.DefaultShardBytes.ToString(CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture, out long shardBytes))
            throw new ArgumentException($"'{manifestPath}': shard_size '{extra.GetValueOrDefault("shard_size")}' is not a byte count.");
        var files = CheckpointLayout.Files(plan, format, shardBytes);
        foreach (var f in files)
        {
            foreach (int i in f.Tensors)
                if (fileOf.GetValueOrDefault(plan.Tensors[i].Name) != f.FileName)
                    throw new InvalidDataException($"The manifest puts tensor '{plan.Tensors[i].Name}' in '{fileOf.GetValueOrDefault(plan.Tensors[i].Name)}', but its plan puts it in '{f.FileName}'.");
            string path = Path.Combine(directory, f.FileName);
            if (RegularFile.KindOf(path, followLinks: false) == FileKind.Missing)
                throw new ArgumentException($"'{f.FileName}' is missing from '{directory}': the checkpoint is incomplete.");
            RegularFile.Require(path, "Checkpoint file", followLinks: false);
        }
        if (format == CheckpointFormat.Safetensors && files.Count > 1)
        {
            string indexPath = Path.Combine(directory, ShardIndex.IndexFileName);
            if (RegularFile.KindOf(indexPath, followLinks: false) == FileKind.Missing)
                throw new ArgumentException($"'{directory}' holds {files.Count} shards but no {ShardIndex.IndexFileName}: the index was deleted or its run did not finish (rank 0 writes it last).");
            ShardIndex.ReadFile(directory).Verify(directory);
        }

        var sampling = new SamplingOptions { MaxThreads = threads };
        var torch = plan.Generator == CheckpointGenerator.Torch ? new TorchSequentialInit(plan) : null;
        var chosen = Choose(plan.Tensors.Count, sample);
        var verdicts = new List<TensorVerdict>();
        foreach (var file in files)
        {
            string path = Path.Combine(directory, file.FileName);
            var sources = plan.Sources(file.Tensors, sampling, torch);
            var picked = file.Tensors.Select((index, k) => (index, k)).Where(p => chosen.Contains(p.index)).ToList();
            switch (format)
            {
                case CheckpointFormat.Safetensors or CheckpointFormat.Npy:
                {
                    var (header, length) = CheckpointWriter.Expected(plan, file, format, sources);
                    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                    if (stream.Length != length)
                        throw new InvalidDataException($"'{file.FileName}' is {stream.Length} bytes long; the plan gives {length}.");
                    var actual = new byte[header.Length];
                    stream.ReadExactly(actual);
                    if (!actual.AsSpan().SequenceEqual(header))
                        throw new InvalidDataException($"The header of '{file.FileName}' differs from the one its plan gives (names, shapes, dtypes, offsets or provenance).");
                    long offset = header.Length;
                    int next = 0;
                    for (int k = 0; k < sources.Count; k++)
                    {
                        if (next < picked.Count && picked[next].k == k)
                        {
                            stream.Position = offset;
                            verdicts.Add(Compare(sources[k], stream, file.FileName));
                            next++;
                        }
                        offset += sources[k].ByteLength;
                    }
                    break;
                }
                case CheckpointFormat.Npz:
                {
                    using var zip = ZipFile.OpenRead(path);
                    foreach (var (index, k) in picked)
                    {
                        var entry = zip.GetEntry(NpzWriter.MemberName(sources[k].Name));
                        if (entry is null)
                        {
                            verdicts.Add(new TensorVerdict(sources[k].Name, file.FileName, false, "member missing from the archive"));
                            continue;
                        }
                        using var member = entry.Open();
                        var header = NpyWriter.Header(sources[k].DType, sources[k].Shape);
                        var actual = new byte[header.Length];
                        member.ReadExactly(actual);
                        verdicts.Add(actual.AsSpan().SequenceEqual(header)
                            ? Compare(sources[k], member, file.FileName)
                            : new TensorVerdict(sources[k].Name, file.FileName, false, "its .npy header differs"));
                    }
                    break;
                }
            }
        }
        return verdicts;
    }

    private static HashSet<int> Choose(int count, int? sample)
    {
        if (sample is not { } n || n >= count) return [.. Enumerable.Range(0, count)];
        if (n == 1) return [0];
        return [.. Enumerable.Range(0, n).Select(i => (int)((long)i * (count - 1) / (n - 1)))];
    }

    private static TensorVerdict Compare(TensorSource source, Stream stream, string file)
    {
        const int chunk = 1 << 22;
        int size = source.DType.ElementSize();
        long chunkElements = chunk / size;
        var expected = new byte[(int)Math.Min(chunkElements * size, Math.Max(source.ByteLength, 1))];
        var actual = new byte[expected.Length];
        for (long first = 0; first < source.ElementCount; first += chunkElements)
        {
            int n = (int)Math.Min(chunkElements, source.ElementCount - first) * size;
            var e = expected.AsSpan(0, n);
            e.Clear();
            source.Fill(first, e);
            var a = actual.AsSpan(0, n);
            try { stream.ReadExactly(a); }
            catch (EndOfStreamException) { return new TensorVerdict(source.Name, file, false, "the data ends early"); }
            int diff = e.CommonPrefixLength(a);
            if (diff < n)
                return new TensorVerdict(source.Name, file, false, $"element {first + diff / size} differs (first difference)");
        }
        return new TensorVerdict(source.Name, file, true, "");
    }
}
