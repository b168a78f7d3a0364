using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using WeightInit.IO;
using WeightInit.Sampling;

namespace WeightInit.Checkpoints;

/// <summary>How <see cref="CheckpointWriter"/> writes: where, in what format, which share of the files, and how.</summary>
public sealed record CheckpointWriteOptions
{
    /// <summary>The default size of the fill-and-write chunks: 8 MiB (three are in flight, so about 24 MiB resident).</summary>
    public const int DefaultChunkBytes = 8 << 20;

    /// <summary>The checkpoint directory; created when missing.</summary>
    public required string Directory { get; init; }
    /// <summary>The file format.</summary>
    public CheckpointFormat Format { get; init; } = CheckpointFormat.Safetensors;
    /// <summary>The largest shard, in tensor bytes (safetensors only).</summary>
    public long ShardBytes { get; init; } = CheckpointLayout.DefaultShardBytes;
    /// <summary>This process's rank, 0 ≤ Rank &lt; World.</summary>
    public int Rank { get; init; }
    /// <summary>The number of processes sharing the work; rank r writes the files whose index k has k % World == r.</summary>
    public int World { get; init; } = 1;
    /// <summary>Threads for Philox fills (0: all cores); never changes a byte.</summary>
    public int Threads { get; init; }
    /// <summary>Keep files whose sidecar (size, CRC-32, plan fingerprint) matches their content; redo the rest.</summary>
    public bool Resume { get; init; }
    /// <summary>How long rank 0 waits for the other ranks' files before writing the index.</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromHours(1);
    /// <summary>Bytes per fill-and-write chunk.</summary>
    public int ChunkBytes { get; init; } = DefaultChunkBytes;
    /// <summary>Write tensor data past the page cache (Linux <c>O_DIRECT</c>, see <see cref="UnbufferedIO"/>) where the platform and file
    /// system allow it and <see cref="ChunkBytes"/> is a multiple of 4096; false: ordinary buffered writes. Never changes a byte.</summary>
    public bool Unbuffered { get; init; } = true;
    /// <summary>Files rank 0 writes beside the tensors (atomically, before the manifest and index), e.g. a Hugging Face <c>config.json</c>.</summary>
    public IReadOnlyList<CompanionFile> Companions { get; init; } = [];
    /// <summary>Where progress lines go (null: nowhere).</summary>
    public TextWriter? Log { get; init; }
    /// <summary>Stops the write at the next chunk (the file in progress is removed, complete files are kept for a resume);
    /// <see cref="CheckpointWriter.Write"/> then throws <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken Cancellation { get; init; }
    /// <summary>When a write fails (other than by <see cref="Cancellation"/>), remove the files and sidecars this call wrote, so that a
    /// directory that held nothing before holds nothing after.</summary>
    public bool RemoveWrittenOnFailure { get; init; }
}

/// <summary>What one <see cref="CheckpointWriter.Write"/> call did.</summary>
/// <param name="Files">Every file of the checkpoint (all ranks).</param>
/// <param name="Written">The files this process wrote.</param>
/// <param name="Kept">The files this process kept because <see cref="CheckpointWriteOptions.Resume"/> found them complete.</param>
/// <param name="WroteIndex">Whether this process (rank 0) wrote the manifest and, for shards, the index.</param>
/// <param name="BytesWritten">Bytes this process wrote into checkpoint files.</param>
public sealed record CheckpointWriteResult(IReadOnlyList<CheckpointFile> Files, IReadOnlyList<string> Written, IReadOnlyList<string> Kept, bool WroteIndex, long BytesWritten)
{
    /// <summary>How many of <see cref="BytesWritten"/> went past the page cache (<see cref="CheckpointWriteOptions.Unbuffered"/>).</summary>
    public long UnbufferedBytes { get; init; }
}

/// <summary>Writes a <see cref="CheckpointPlan"/> to disk: streaming, crash-safe, shardable across ranks without communication.</summary>
/// <remarks>
/// <para><b>Streaming.</b> Tensor data goes through three fixed buffers of <see cref="CheckpointWriteOptions.ChunkBytes"/>: one
/// thread fills the next chunk (a partial fill, in parallel) while another writes the previous one, so memory stays flat whatever the
/// model's size. Each Philox tensor's bytes depend only on the seed, its name and its initializer: not on threads, chunks, shards or ranks.
/// On Linux the chunks go past the page cache (<see cref="CheckpointWriteOptions.Unbuffered"/>, <see cref="UnbufferedIO"/>), with the same bytes.</para>
/// <para><b>Crash safety.</b> Every file goes through <see cref="AtomicFile"/>: a temporary name beside it, flushed to disk, checked
/// (the safetensors header re-read and validated; the length exact), then renamed. Then a sidecar <c>FILE.crc32</c> records its size,
/// CRC-32 and the plan fingerprint (CRC-32 of the manifest). A killed run leaves only complete files under final names; with
/// <see cref="CheckpointWriteOptions.Resume"/> a file is kept when its sidecar's fingerprint is this plan's and its size and CRC-32
/// match its content, and everything else is rewritten (leftover temporaries of this process's files are removed first).</para>
/// <para><b>Ranks.</b> Rank r writes files k with k % world == r and never talks to the others. Rank 0, after its own files, waits
/// until every file is present with a sidecar of this plan and the right size, validates the shard headers and the index against
/// them (<see cref="ShardIndex.Verify"/>), and writes <see cref="CheckpointPlan.ManifestFileName"/> and then
/// <c>model.safetensors.index.json</c> last.</para>
/// <para>Test hook: when the environment variable <c>WEIGHTINIT_TEST_PAUSE_AFTER_BYTES</c> is set to N, the process stops for good
/// (after flushing) once N data bytes are written, so that a test can kill it mid-file.</para>
/// </remarks>
public static class CheckpointWriter
{
    /// <summary>The sidecar of a file: its name plus this suffix.</summary>
    public const string SidecarSuffix = ".crc32";
    /// <summary>The environment variable of the test hook (see the remarks on the type).</summary>
    public const string PauseVariable = "WEIGHTINIT_TEST_PAUSE_AFTER_BYTES";
    private const int BuffersInFlight = 3;

    private static long _pauseCountdown = long.TryParse(Environment.GetEnvironmentVariable(PauseVariable), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : -1;

    /// <summary>Writes this rank's share of <paramref name="plan"/> (and, on rank 0, the manifest and index).</summary>
    /// <exception cref="ArgumentException">Bad options (rank ≥ world, shard size ≤ 0, torch generator with several ranks, bfloat16 for NumPy…).</exception>
    /// <exception cref="IOException">A write failed (a full device says so); the temporary file was removed. Or another writer holds this
    /// rank's lock on the directory (<see cref="WriterLockedException"/>, naming it).</exception>
    /// <exception cref="OperationCanceledException"><see cref="CheckpointWriteOptions.Cancellation"/> was signalled; the file in progress was removed.</exception>
    /// <exception cref="TimeoutException">Rank 0 waited <see cref="CheckpointWriteOptions.WaitTimeout"/> for other ranks' files.</exception>
    public static CheckpointWriteResult Write(CheckpointPlan plan, CheckpointWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        CheckRanks(options.Rank, options.World);
        if (options.ChunkBytes < 16) throw new ArgumentException($"The chunk size must be at least 16 bytes; got {options.ChunkBytes}.");
        if (options.Threads < 0) throw new ArgumentException($"Threads must be ≥ 0 (0: all cores); got {options.Threads}.");
        if (plan.Generator == CheckpointGenerator.Torch && options.World > 1)
            throw new ArgumentException($"The torch generator is sequential (every tensor depends on all draws before it), so it runs as one process; got world {options.World}. Use --generator philox to shard across ranks.");
        var files = CheckpointLayout.Files(plan, options.Format, options.ShardBytes);
        Directory.CreateDirectory(options.Directory);
        using var writerLock = WriterLock.Acquire(options.Directory, options.Rank);
        var mine = files.Where(f => f.Index % options.World == options.Rank).ToList();
        RemoveStaleTemporaries(options, mine, files);
        string fingerprint = Fingerprint(plan, options);
        var sampling = new SamplingOptions { MaxThreads = options.Threads };
        var torch = plan.Generator == CheckpointGenerator.Torch ? new TorchSequentialInit(plan) : null;
        var written = new List<string>();
        var kept = new List<string>();
        long bytes = 0, unbufferedBytes = 0;
        bool invalidated = false;
        try
        {
            foreach (var file in mine)
            {
                options.Cancellation.ThrowIfCancellationRequested();
                string path = Path.Combine(options.Directory, file.FileName);
                if (options.Resume && Sidecar.Matches(path, fingerprint, checkContent: true))
                {
                    kept.Add(file.FileName);
                    options.Log?.WriteLine($"kept {file.FileName} (sidecar matches)");
                    continue;
                }
                if (!invalidated)
                {
                    // Before the first byte of this plan lands, no manifest or index may still describe another plan's files.
                    Invalidate(options.Directory, sharded: options.Format == CheckpointFormat.Safetensors && files.Count > 1, options.Log);
                    invalidated = true;
                }
                File.Delete(path + SidecarSuffix); // the old sidecar must not vouch for the file while it is replaced
                var watch = Stopwatch.StartNew();
                written.Add(file.FileName);
                var (length, crc, direct) = WriteFile(path, plan, file, options, sampling, torch);
                Sidecar.Write(path, length, crc, fingerprint);
                bytes += length;
                unbufferedBytes += direct;
                options.Log?.WriteLine($"wrote {file.FileName}: {length} bytes in {watch.Elapsed.TotalSeconds:F2} s ({length / Math.Max(watch.Elapsed.TotalSeconds, 1e-9) / 1e6:F0} MB/s{(direct > 0 ? ", past the page cache" : "")})");
            }
            bool wroteIndex = false;
            if (options.Rank == 0)
            {
                Finish(plan, files, options, fingerprint);
                wroteIndex = true;
            }
            return new CheckpointWriteResult(files, written, kept, wroteIndex, bytes) { UnbufferedBytes = unbufferedBytes };
        }
        catch (Exception e) when (options.RemoveWrittenOnFailure && e is not OperationCanceledException)
        {
            foreach (string name in written)
            {
                TryDelete(Path.Combine(options.Directory, name));
                TryDelete(Path.Combine(options.Directory, name + SidecarSuffix));
            }
            throw;
        }
    }

    /// <summary>Removes the manifest and the shard index (before a plan's first file is written); for a sharded plan also an
    /// earlier single-file <c>model.safetensors</c> and its sidecar, which transformers' <c>from_pretrained</c> would load in
    /// preference to the index and the new shards.</summary>
    private static void Invalidate(string directory, bool sharded, TextWriter? log)
    {
        foreach (string name in new[] { ShardIndex.IndexFileName, CheckpointPlan.ManifestFileName })
        {
            string path = Path.Combine(directory, name);
            if (RegularFile.KindOf(path, followLinks: false) != FileKind.Missing) File.Delete(path);
        }
        if (!sharded) return;
        string single = Path.Combine(directory, CheckpointLayout.SingleFileName);
        if (RegularFile.KindOf(single, followLinks: false) is FileKind.Missing) return;
        File.Delete(single);
        File.Delete(single + SidecarSuffix);
        log?.WriteLine($"removed {CheckpointLayout.SingleFileName} of an earlier checkpoint (a loader would read it instead of the new shards)");
    }

    /// <summary>Removes every temporary a killed writer of this rank left: of its files, their sidecars and (rank 0) the manifest,
    /// the index and the companion files (config.json).</summary>
    private static void RemoveStaleTemporaries(CheckpointWriteOptions options, IEnumerable<CheckpointFile> mine, IReadOnlyList<CheckpointFile> files)
    {
        var names = mine.SelectMany(f => new[] { f.FileName, f.FileName + SidecarSuffix }).ToList();
        if (options.Rank == 0)
        {
            names.AddRange([CheckpointPlan.ManifestFileName, ShardIndex.IndexFileName]);
            names.AddRange(options.Companions.Select(c => CheckpointLayout.CompanionFileName(c.FileName, files)));
        }
        int removed = names.Sum(n => AtomicFile.RemoveStaleTemporaries(Path.Combine(options.Directory, n)));
        if (removed > 0) options.Log?.WriteLine($"removed {removed} temporary file(s) that an interrupted run left");
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Checks 0 ≤ <paramref name="rank"/> &lt; <paramref name="world"/>.</summary>
    /// <exception cref="ArgumentException">Otherwise, with both values in the message.</exception>
    public static void CheckRanks(int rank, int world)
    {
        if (world < 1) throw new ArgumentException($"The world size must be ≥ 1; got {world}.");
        if (rank < 0 || rank >= world) throw new ArgumentException($"The rank must satisfy 0 ≤ rank < world; got rank {rank}, world {world}.");
    }

    /// <summary>The manifest's extra entries: format and shard size.</summary>
    internal static Dictionary<string, string> ManifestExtra(CheckpointFormat format, long shardBytes) => new()
    {
        ["format"] = format.ToString().ToLowerInvariant(),
        ["shard_size"] = shardBytes.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>CRC-32 (hex) of the manifest without file names: changes whenever any tensor, initializer, seed, generator, format, shard size or library version does.</summary>
    private static string Fingerprint(CheckpointPlan plan, CheckpointWriteOptions options) =>
        Crc32.Compute(Encoding.UTF8.GetBytes(plan.ToJson(null, ManifestExtra(options.Format, options.ShardBytes)))).ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>The header bytes and total length of a safetensors or .npy file, known before any data is produced.</summary>
    internal static (byte[] Header, long Length) Expected(CheckpointPlan plan, CheckpointFile file, CheckpointFormat format, IReadOnlyList<TensorSource> sources)
    {
        long data = sources.Sum(s => s.ByteLength);
        byte[] header = format switch
        {
            CheckpointFormat.Safetensors => SafetensorsWriter.Header(sources, plan.Metadata(file.Tensors)),
            CheckpointFormat.Npy => NpyWriter.Header(sources[0].DType, sources[0].Shape),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Only safetensors and .npy have a fixed header."),
        };
        return (header, checked(header.Length + data));
    }

    private sealed class Checksum
    {
        public Crc32 Crc = new();
    }

    private static (long Length, uint Crc, long Unbuffered) WriteFile(string path, CheckpointPlan plan, CheckpointFile file, CheckpointWriteOptions options,
        SamplingOptions sampling, TorchSequentialInit? torch)
    {
        var sources = plan.Sources(file.Tensors, sampling, torch);
        var checksum = new Checksum();
        if (options.Format == CheckpointFormat.Npz)
        {
            long length = 0;
            AtomicFile.Write(path, stream =>
            {
                using (var npz = new NpzWriter(stream, leaveOpen: true, options.ChunkBytes))
                {
                    foreach (var s in sources) npz.Add(s);
                    npz.Finish();
                }
                stream.Flush();
                length = stream.Length;
                // The archive patches its headers in place, so its checksum is taken by reading it back (this also checks it reads).
                stream.Position = 0;
                var buffer = new byte[1 << 20];
                int n;
                while ((n = stream.Read(buffer)) > 0) checksum.Crc.Append(buffer.AsSpan(0, n));
            });
            return (length, checksum.Crc.Value, 0);
        }
        var (header, expected) = Expected(plan, file, options.Format, sources);
        long unbuffered = 0;
        AtomicFile.Write(path, stream =>
        {
            unbuffered = WriteData(stream, header, sources, options.ChunkBytes, options.Unbuffered, checksum, options.Cancellation);
            if (stream.Length != expected)
                throw new InvalidOperationException($"'{file.FileName}' came out {stream.Length} bytes long where {expected} were planned; it was not created.");
            if (options.Format == CheckpointFormat.Safetensors)
            {
                stream.Position = 0;
                using var reader = SafetensorsReader.Open(stream, leaveOpen: true, $"'{file.FileName}' (before rename)");
                if (reader.Tensors.Count != sources.Count)
                    throw new InvalidDataException($"'{file.FileName}' lists {reader.Tensors.Count} tensors where {sources.Count} were written.");
            }
        }, expected);
        return (expected, checksum.Crc.Value, unbuffered);
    }

    /// <summary>Streams <paramref name="header"/> and the sources' data into <paramref name="stream"/> (empty, at position 0); returns the bytes written past the page cache.</summary>
    /// <remarks>
    /// A producer packs the file's bytes into chunks of exactly <paramref name="chunkBytes"/> (the last one shorter): chunk k holds the
    /// file's bytes from k·chunkBytes on, an element that straddles two chunks is produced once and split. Meanwhile the caller's thread
    /// checksums each chunk (on another task) and writes it at its offset. With <paramref name="unbuffered"/>, a chunk size that is a
    /// multiple of <see cref="UnbufferedIO.Alignment"/> and a file system that allows it, the chunks' aligned part goes past the page
    /// cache (<see cref="UnbufferedIO"/>); the last partial block, or everything after a refused first write, is written buffered.
    /// Either way the bytes are the same.
    /// </remarks>
    private static long WriteData(FileStream stream, byte[] header, IReadOnlyList<TensorSource> sources, int chunkBytes, bool unbuffered,
        Checksum checksum, CancellationToken stop)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var free = new BlockingCollection<(byte[] Array, int Offset)>();
        using var full = new BlockingCollection<(byte[] Array, int Offset, int Length)>(BuffersInFlight);
        for (int i = 0; i < BuffersInFlight; i++) free.Add(UnbufferedIO.AllocateAligned(chunkBytes));
        var producer = Task.Run(() =>
        {
            try
            {
                var (array, offset) = free.Take(cancel.Token);
                int used = 0;
                void Put(ReadOnlySpan<byte> bytes)
                {
                    while (bytes.Length > 0)
                    {
                        int n = Math.Min(bytes.Length, chunkBytes - used);
                        bytes[..n].CopyTo(array.AsSpan(offset + used, n));
                        used += n;
                        bytes = bytes[n..];
                        if (used == chunkBytes) Emit();
                    }
                }
                void Emit()
                {
                    full.Add((array, offset, used), cancel.Token);
                    (array, offset) = free.Take(cancel.Token);
                    used = 0;
                }
                Put(header);
                var straddling = new byte[16];
                foreach (var source in sources)
                {
                    int size = source.DType.ElementSize();
                    for (long first = 0; first < source.ElementCount;)
                    {
                        int room = chunkBytes - used;
                        if (room < size)
                        {
                            // No clearing anywhere: every fill of a plan (InitializerTensors, the torch stream) writes each element of its range.
                            source.Fill(first++, straddling.AsSpan(0, size));
                            Put(straddling.AsSpan(0, size));
                            continue;
                        }
                        int n = (int)Math.Min(room / size, source.ElementCount - first);
                        source.Fill(first, array.AsSpan(offset + used, n * size));
                        used += n * size;
                        first += n;
                        if (used == chunkBytes) Emit();
                    }
                }
                if (used > 0) full.Add((array, offset, used), cancel.Token);
            }
            finally
            {
                full.CompleteAdding();
            }
        });
        var handle = stream.SafeFileHandle;
        bool direct = unbuffered && chunkBytes % UnbufferedIO.Alignment == 0 && UnbufferedIO.TryEnable(handle);
        long position = 0, directBytes = 0;
        try
        {
            foreach (var (array, offset, length) in full.GetConsumingEnumerable())
            {
                var crc = Task.Run(() => checksum.Crc.Append(array.AsSpan(offset, length)));
                var chunk = array.AsSpan(offset, length);
                int aligned = direct ? length - length % UnbufferedIO.Alignment : 0;
                if (aligned > 0)
                {
                    try
                    {
                        RandomAccess.Write(handle, chunk[..aligned], position);
                        directBytes += aligned;
                    }
                    catch (IOException) when (directBytes == 0)
                    {
                        // The file system took the flag but refuses the writes (an alignment it needs beyond 4096): buffered from here on.
                        UnbufferedIO.Disable(handle);
                        direct = false;
                        aligned = 0;
                    }
                }
                if (aligned < length)
                {
                    if (direct)
                    {
                        UnbufferedIO.Disable(handle);
                        direct = false;
                    }
                    RandomAccess.Write(handle, chunk[aligned..], position + aligned);
                }
                position += length;
                crc.GetAwaiter().GetResult();
                PauseHook(stream, length, stop);
                stop.ThrowIfCancellationRequested();
                free.Add((array, offset));
            }
        }
        catch
        {
            cancel.Cancel();
            try { producer.Wait(); } catch (AggregateException) { }
            throw;
        }
        finally
        {
            if (direct) UnbufferedIO.Disable(handle);
        }
        producer.GetAwaiter().GetResult();
        stream.Position = position;
        return directBytes;
    }

    private static void PauseHook(Stream stream, int length, CancellationToken stop)
    {
        if (_pauseCountdown < 0 || (_pauseCountdown -= length) > 0) return;
        stream.Flush();
        Console.Error.WriteLine($"weightinit: paused by {PauseVariable} in the middle of a file");
        Console.Error.Flush();
        stop.WaitHandle.WaitOne(); // for good, unless a signal cancels the write
        stop.ThrowIfCancellationRequested();
    }

    private static void Finish(CheckpointPlan plan, IReadOnlyList<CheckpointFile> files, CheckpointWriteOptions options, string fingerprint)
    {
        var deadline = DateTime.UtcNow + options.WaitTimeout;
        var pending = files.ToList();
        bool said = false;
        while (true)
        {
            pending.RemoveAll(f => Sidecar.Matches(Path.Combine(options.Directory, f.FileName), fingerprint, checkContent: false));
            if (pending.Count == 0) break;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Rank 0 waited {options.WaitTimeout.TotalSeconds:0.###} s for {pending.Count} file(s) of the other ranks " +
                    $"({string.Join(", ", pending.Take(5).Select(f => $"{f.FileName} from rank {f.Index % options.World}"))}{(pending.Count > 5 ? ", …" : "")}); " +
                    "the index was not written. Are all ranks running with the same arguments?");
            if (!said)
            {
                options.Log?.WriteLine($"rank 0: waiting up to {options.WaitTimeout.TotalSeconds:0.###} s for {pending.Count} file(s) of the other ranks");
                said = true;
            }
            if (options.Cancellation.WaitHandle.WaitOne(100)) options.Cancellation.ThrowIfCancellationRequested();
        }
        var fileOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in files)
            foreach (int i in f.Tensors) fileOf[plan.Tensors[i].Name] = f.FileName;
        ShardIndex? index = null;
        if (options.Format == CheckpointFormat.Safetensors)
        {
            index = new ShardIndex(fileOf, plan.ByteLength);
            index.Verify(options.Directory); // every shard's header parses and holds exactly its tensors
        }
        foreach (var companion in options.Companions)
            AtomicFile.Write(Path.Combine(options.Directory, CheckpointLayout.CompanionFileName(companion.FileName, files)), s => s.Write(companion.Content), companion.Content.Length);
        string manifest = plan.ToJson(fileOf, ManifestExtra(options.Format, options.ShardBytes));
        byte[] bytes = Encoding.UTF8.GetBytes(manifest);
        AtomicFile.Write(Path.Combine(options.Directory, CheckpointPlan.ManifestFileName), s => s.Write(bytes), bytes.Length);
        if (index is not null && files.Count > 1)
            index.WriteFile(options.Directory);
        options.Log?.WriteLine(files.Count > 1 && index is not null
            ? $"wrote {CheckpointPlan.ManifestFileName} and {ShardIndex.IndexFileName} ({files.Count} shards verified)"
            : $"wrote {CheckpointPlan.ManifestFileName}");
    }

    /// <summary>The sidecar "FILE.crc32": JSON {"size", "crc32", "plan"} of a complete file.</summary>
    internal static class Sidecar
    {
        public static void Write(string path, long size, uint crc, string fingerprint)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(
                $"{{\"file\": \"{Path.GetFileName(path)}\", \"size\": {size}, \"crc32\": \"{crc:x8}\", \"plan\": \"{fingerprint}\"}}\n");
            AtomicFile.Write(path + SidecarSuffix, s => s.Write(bytes), bytes.Length);
        }

        /// <summary>True when the sidecar exists, names this plan, and the file has its size (and, with <paramref name="checkContent"/>, its CRC-32).</summary>
        public static bool Matches(string path, string fingerprint, bool checkContent)
        {
            try
            {
                if (!File.Exists(path) || !File.Exists(path + SidecarSuffix)) return false;
                using var doc = JsonDocument.Parse(File.ReadAllText(path + SidecarSuffix));
                var root = doc.RootElement;
                if (root.GetProperty("plan").GetString() != fingerprint) return false;
                long size = root.GetProperty("size").GetInt64();
                if (new FileInfo(path).Length != size) return false;
                if (!checkContent) return true;
                var crc = new Crc32();
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
                var buffer = new byte[1 << 20];
                int n;
                while ((n = stream.Read(buffer)) > 0) crc.Append(buffer.AsSpan(0, n));
                return crc.Value.ToString("x8", CultureInfo.InvariantCulture) == root.GetProperty("crc32").GetString();
            }
            catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                return false; // a sidecar being replaced, or garbage: not a match
            }
        }
    }
}
