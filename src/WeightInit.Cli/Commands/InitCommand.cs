using System.CommandLine;
using System.Runtime.InteropServices;
using WeightInit.Checkpoints;
using WeightInit.IO;
using WeightInit.Onnx;

namespace WeightInit.Cli.Commands;

/// <summary><c>weightinit init (--model SPEC | --template FILE | --preset NAME) --out DIR</c>: writes an initialized checkpoint.</summary>
internal sealed class InitCommand : CliCommand
{
    /// <inheritdoc/>
    protected override Command Create(CliContext context)
    {
        var model = new Option<string?>("--model") { Description = "Checkpoint spec (JSON file or text): tensors or a layer model, defaults per role, rules; or a Hugging Face config.json (model_type gpt2, llama, mistral, qwen2, bert, vit); or an ONNX model (MODEL.onnx) whose initializers get roles and fans from their consuming ops. See docs/checkpoints.md, docs/models.md." };
        var template = new Option<string?>("--template") { Description = "An existing .safetensors file whose header (names, shapes, dtypes) is re-initialized; its data is never read." };
        var preset = new Option<string?>("--preset") { Description = "A Hugging Face config that defines the whole checkpoint and its config.json: gpt2, gpt2-medium, bert-base-uncased, vit-base-patch16-224, qwen2-0.5b, tinyllama-1.1b, llama-2-7b, mistral-7b (also hf.NAME; NAME(field=value, …) changes a field, e.g. gpt2(n_layer=2)). With --model/--template: pytorch-default, or gpt2 / gpt2(n_layer=.., std=..) for GPT-2's laws over those tensors." };
        var rules = new Option<string?>("--rules") { Description = "With an ONNX model: a JSON file or text {\"defaults\": {role: spec}, \"rules\": [{\"pattern\" or \"regex\", \"init\"}]}; the last matching rule wins." };
        var output = new Option<string?>("--out") { Description = "Checkpoint directory (created if missing), or with --format onnx the new model file; required unless --plan." };
        var plan = new Option<bool>("--plan") { Description = "Print every tensor (name, shape, dtype, role, initializer, fans) and the totals; write nothing." };
        var json = new Option<bool>("--json") { Description = "With --plan: print the plan as JSON {\"parameters\", \"bytes\", \"tensors\": [...]}." };
        var format = new Option<string>("--format") { Description = "safetensors, npy (one file per tensor), npz, or onnx (with an ONNX model: the same model, only initializer data replaced).", DefaultValueFactory = _ => "safetensors" };
        var dtype = new Option<string?>("--dtype") { Description = "f32, f16, bf16 or f64 for every tensor (default: the spec's or template's types, else f32)." };
        var shardSize = new Option<string>("--shard-size") { Description = "Largest safetensors shard in tensor bytes, e.g. 5GB, 500MB, 64KiB.", DefaultValueFactory = _ => "5GB" };
        var seed = new Option<ulong>("--seed") { Description = "64-bit seed.", DefaultValueFactory = _ => 0UL };
        var threads = new Option<int>("--threads") { Description = "Fill threads (0: all cores); never changes a byte.", DefaultValueFactory = _ => 0 };
        var rank = new Option<int?>("--rank") { Description = "This process's rank (default: from OMPI_COMM_WORLD_RANK, PMI_RANK, SLURM_PROCID or RANK, else 0)." };
        var world = new Option<int?>("--world") { Description = "Number of processes (default: from OMPI_COMM_WORLD_SIZE, PMI_SIZE, SLURM_NTASKS or WORLD_SIZE, else 1)." };
        var resume = new Option<bool>("--resume") { Description = "Keep files whose sidecar size and CRC-32 match; rewrite the rest." };
        var generator = new Option<string>("--generator") { Description = "philox (parallel, shardable) or torch (PyTorch 1.13's CPU stream, bit-exact, sequential).", DefaultValueFactory = _ => "philox" };
        var wait = new Option<double>("--wait-timeout") { Description = "Seconds rank 0 waits for the other ranks' files before giving up on the index.", DefaultValueFactory = _ => 3600 };
        var chunk = new Option<string>("--chunk-size") { Description = "Bytes filled and written at a time (three chunks in flight); never changes a byte.", DefaultValueFactory = _ => "8MiB" };
        var buffered = new Option<bool>("--buffered") { Description = "Write through the page cache. By default, on Linux, tensor data goes past it (O_DIRECT) where the file system allows; never changes a byte." };
        var command = new Command("init", "Write an initialized checkpoint (safetensors shards, .npy or .npz), streaming, crash-safe and identical across ranks, threads and shard sizes.")
        {
            model, template, preset, rules, output, format, dtype, shardSize, seed, threads, rank, world, resume, generator, wait, chunk, buffered, plan, json,
        };
        SetAction(command, context, parsed => Run(context, new Request(parsed.GetValue(model), parsed.GetValue(template), parsed.GetValue(preset), parsed.GetValue(rules),
            parsed.GetValue(output), parsed.GetValue(plan), parsed.GetValue(json), parsed.GetValue(format)!, parsed.GetValue(dtype), parsed.GetValue(shardSize)!, parsed.GetValue(seed),
            parsed.GetValue(threads), parsed.GetValue(rank), parsed.GetValue(world), parsed.GetValue(resume), parsed.GetValue(generator)!, parsed.GetValue(wait), parsed.GetValue(chunk)!, parsed.GetValue(buffered))));
        return command;
    }

    private sealed record Request(string? Model, string? Template, string? Preset, string? Rules, string? Out, bool Plan, bool Json, string Format, string? DType, string ShardSize, ulong Seed,
        int Threads, int? Rank, int? World, bool Resume, string Generator, double WaitSeconds, string ChunkSize, bool Buffered);

    private static int Run(CliContext context, Request r)
    {
        if (r.Model is not null && r.Template is not null) throw new UsageException("Give one of --model and --template, not both.");
        if (r.Model is null && r.Template is null && r.Preset is null)
            throw new UsageException("Say what to write: --model SPEC, --template FILE.safetensors, or --preset gpt2 (see 'weightinit init --help').");
        if (r.Json && !r.Plan) throw new UsageException("--json prints the plan; give it with --plan.");
        if (r.Out is null && !r.Plan) throw new UsageException("Say where to write: --out DIR (or --plan to print the plan and write nothing).");
        if (r.Threads < 0) throw new UsageException($"--threads must be ≥ 0 (0: all cores); got {r.Threads}.");
        if (!(r.WaitSeconds > 0)) throw new UsageException($"--wait-timeout must be a positive number of seconds; got {r.WaitSeconds}.");
        var (rank, world) = Ranks(r.Rank, r.World);
        bool onnx = OnnxInit.IsModel(r.Model), onnxOut = OnnxInit.IsFormat(r.Format);
        if (onnxOut && !onnx) throw new UsageException("--format onnx writes an ONNX model back, so it needs --model MODEL.onnx; for other models use safetensors, npy or npz.");
        if (r.Rules is not null && !onnx) throw new UsageException("--rules applies to --model MODEL.onnx; a checkpoint spec carries its own \"defaults\" and \"rules\".");
        if (onnxOut && r.DType is not null) throw new UsageException("--format onnx keeps each initializer's ONNX type; --dtype applies to checkpoint formats (safetensors, npy, npz).");
        if (onnx && !onnxOut && !IsCheckpointFormat(r.Format)) throw new UsageException($"Unknown format '{r.Format}'; valid: onnx, safetensors, npy, npz.");
        var format = onnxOut ? CheckpointFormat.Safetensors : CheckpointLayout.ParseFormat(r.Format); // with --format onnx the ONNX writer takes over below
        long shardBytes = CheckpointLayout.ParseSize(r.ShardSize);
        TensorDType? dtype = r.DType is null ? null : TensorDTypes.Parse(r.DType);
        var generator = CheckpointPlan.ParseGenerator(r.Generator);
        long chunkBytes = CheckpointLayout.ParseSize(r.ChunkSize, "chunk size");
        if (chunkBytes is < 16 or > 256 << 20) throw new UsageException($"--chunk-size must lie between 16 bytes and 256MiB; got '{r.ChunkSize}'.");

        OnnxPlan? onnxPlan = null;
        CheckpointPlan? fromOnnx = null;
        if (onnx)
        {
            onnxPlan = OnnxInit.Plan(r.Model!, r.Preset, r.Rules);
            if (onnxOut && generator != CheckpointGenerator.Philox) throw new UsageException("--format onnx fills with --generator philox only; write a checkpoint format for the torch stream.");
            fromOnnx = onnxPlan.ToCheckpointPlan(r.Seed, generator, dtype);
            if (r.Plan)
            {
                OnnxInit.Print(context.Output, onnxPlan, fromOnnx, r.Json);
                return ExitCodes.Success;
            }
            if (onnxOut)
            {
                OnnxInit.Write(context.Output, onnxPlan, fromOnnx, r.Out!, r.Threads);
                return ExitCodes.Success;
            }
        }

        CheckpointSource? source = null;
        if (r.Model is not null && fromOnnx is null) source = CheckpointSpec.Load(r.Model);
        if (r.Template is not null)
        {
            try { source = CheckpointSpec.FromTemplate(r.Template); }
            catch (InvalidDataException e) { throw new UsageException($"--template: {e.Message}"); }
        }
        // A Hugging Face config.json (the only source with companion files) gives every tensor its own law, which a preset's
        // defaults and rules would never reach: say so instead of ignoring the preset.
        if (r.Preset is not null && r.Model is not null && source?.Companions is not null)
            throw new UsageException($"--preset {r.Preset} cannot be combined with a Hugging Face config.json (--model {r.Model}): its model_type fixes every tensor's law (transformers' _init_weights); leave out --preset.");
        if (r.Preset is not null && fromOnnx is null)
        {
            var fromPreset = CheckpointPresets.Resolve(r.Preset, source?.Tensors);
            // The spec's own defaults and rules still win over the preset's.
            source = source is null ? fromPreset : fromPreset with { Policy = fromPreset.Policy.Then(source.Policy), DType = source.DType };
        }
        var plan = fromOnnx ?? CheckpointPlan.Create(source!.Tensors, source.Policy, r.Seed, source.DType ?? TensorDType.Float32, generator, dtype);
        var files = CheckpointLayout.Files(plan, format, shardBytes); // checks names and dtypes before anything touches the disk
        var companions = source?.Companions?.Invoke(plan) ?? [];
        foreach (var c in companions) CheckpointLayout.CompanionFileName(c.FileName, files);
        if (r.Plan)
        {
            context.Output.Write(r.Json ? CheckpointPlanReport.ToJson(plan) : CheckpointPlanReport.ToText(plan));
            return ExitCodes.Success;
        }

        string directory = Path.GetFullPath(r.Out!);
        string? created = OutputDirectory.Prepare(directory);
        using var stop = new CancellationTokenSource();
        PosixSignal? received = null;
        void OnSignal(PosixSignalContext signal)
        {
            signal.Cancel = true; // not the default exit: the writer stops at its next chunk and removes the file in progress
            received = signal.Signal;
            stop.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            var result = CheckpointWriter.Write(plan, new CheckpointWriteOptions
            {
                Directory = directory, Format = format, ShardBytes = shardBytes, Rank = rank, World = world, Threads = r.Threads,
                Resume = r.Resume, Companions = companions, ChunkBytes = (int)chunkBytes, WaitTimeout = TimeSpan.FromSeconds(r.WaitSeconds), Log = context.Error,
                Cancellation = stop.Token, RemoveWrittenOnFailure = created is not null, Unbuffered = !r.Buffered,
            });
            context.Output.WriteLine($"{plan.Tensors.Count} tensors, {plan.ParameterCount} parameters, {plan.ByteLength} bytes of data in {files.Count} file(s) in {directory}");
            context.Output.WriteLine($"rank {rank} of {world}: wrote {result.Written.Count}, kept {result.Kept.Count}{(result.WroteIndex ? "; manifest" + (files.Count > 1 && format == CheckpointFormat.Safetensors ? " and index" : "") + " written" : "")}");
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (received is { } signal)
        {
            CreatedDirectory.RemoveIfNoFiles(created);
            int complete = files.Count(f => File.Exists(Path.Combine(directory, f.FileName + CheckpointWriter.SidecarSuffix)));
            context.Error.WriteLine($"error: interrupted by {signal}: the file in progress was removed; {complete} complete file(s) kept in '{directory}' (run again with --resume to finish).");
            return SignalExitCode(signal);
        }
        catch (WriterLockedException e)
        {
            CreatedDirectory.RemoveIfNoFiles(created);
            throw new UsageException(e.Message);
        }
        catch (TimeoutException e)
        {
            CreatedDirectory.RemoveIfNoFiles(created);
            throw new UsageException($"{e.Message} (--wait-timeout {r.WaitSeconds} s)");
        }
        catch (IOException e) when (e.Message.StartsWith("The device is full", StringComparison.Ordinal))
        {
            CreatedDirectory.RemoveIfNoFiles(created);
            throw new UsageException(e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            CreatedDirectory.RemoveIfNoFiles(created);
            throw new UsageException($"--out '{r.Out}' is not writable: {e.Message}");
        }
        catch
        {
            CreatedDirectory.RemoveIfNoFiles(created);
            throw;
        }
    }

    private static bool IsCheckpointFormat(string format)
    {
        try { CheckpointLayout.ParseFormat(format); return true; }
        catch (ArgumentException) { return false; }
    }

    /// <summary>128 + the signal's number, as a shell reports a process ended by it (SIGINT 130, SIGTERM 143).</summary>
    private static int SignalExitCode(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGINT => 128 + 2,
        PosixSignal.SIGTERM => 128 + 15,
        _ => ExitCodes.Failure,
    };

    /// <summary>--rank/--world, else the launcher's environment, else 0 of 1.</summary>
    internal static (int Rank, int World) Ranks(int? rank, int? world, Func<string, string?>? getVariable = null)
    {
        if (rank.HasValue != world.HasValue) throw new UsageException("Give --rank and --world together (or neither, to read them from the launcher's environment).");
        (int Rank, int World) result = rank.HasValue ? (rank.Value, world!.Value) : LaunchEnvironment.Detect(getVariable) is { } e ? (e.Rank, e.World) : (0, 1);
        CheckpointWriter.CheckRanks(result.Rank, result.World);
        return result;
    }
}
