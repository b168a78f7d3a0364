using System.CommandLine;
using WeightInit.Checkpoints;

namespace WeightInit.Cli.Commands;

/// <summary><c>weightinit verify DIR [--sample N]</c>: recomputes a checkpoint's tensors from its manifest and compares them byte for byte.</summary>
internal sealed class VerifyCommand : CliCommand
{
    /// <inheritdoc/>
    protected override Command Create(CliContext context)
    {
        var directory = new Argument<string>("DIR") { Description = "A checkpoint directory written by 'weightinit init'." };
        var sample = new Option<int?>("--sample") { Description = "Recompute only N tensors, evenly spaced (first and last included)." };
        var threads = new Option<int>("--threads") { Description = "Fill threads (0: all cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("verify", "Recompute every tensor of a checkpoint (or a sample) and compare with the files; exit 1 on any difference.")
        {
            directory, sample, threads,
        };
        SetAction(command, context, parsed =>
        {
            if (parsed.GetValue(threads) < 0) throw new UsageException($"--threads must be ≥ 0; got {parsed.GetValue(threads)}.");
            IReadOnlyList<TensorVerdict> verdicts;
            try
            {
                verdicts = CheckpointVerifier.Verify(parsed.GetValue(directory)!, parsed.GetValue(sample), parsed.GetValue(threads));
            }
            catch (InvalidDataException e)
            {
                context.Error.WriteLine($"verify failed: {e.Message}");
                return ExitCodes.Failure;
            }
            foreach (var v in verdicts.Where(v => !v.Matches))
                context.Error.WriteLine($"MISMATCH {v.Name} in {v.File}: {v.Detail}");
            int bad = verdicts.Count(v => !v.Matches);
            context.Output.WriteLine($"{verdicts.Count} tensors recomputed, {verdicts.Count - bad} match, {bad} differ");
            return bad == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
