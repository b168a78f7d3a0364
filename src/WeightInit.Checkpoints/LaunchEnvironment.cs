using System.Globalization;

namespace WeightInit.Checkpoints;

/// <summary>Rank and world size from the environment of the usual launchers.</summary>
public static class LaunchEnvironment
{
    /// <summary>The variable pairs read, in order: mpirun (Open MPI), PMI (MPICH, Intel MPI, Slurm's PMI), Slurm, torchrun.</summary>
    public static IReadOnlyList<(string Rank, string World)> Variables { get; } =
    [
        ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
        ("PMI_RANK", "PMI_SIZE"),
        ("SLURM_PROCID", "SLURM_NTASKS"),
        ("RANK", "WORLD_SIZE"),
    ];

    /// <summary>The first pair of <see cref="Variables"/> that is set, as (rank, world, "RANK_VAR/WORLD_VAR"), or null when none is.</summary>
    /// <param name="getVariable">Reads a variable (<see cref="Environment.GetEnvironmentVariable(string)"/> by default).</param>
    /// <exception cref="ArgumentException">A pair is half set or not integers; the message names the variables.</exception>
    public static (int Rank, int World, string Source)? Detect(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        foreach (var (rankName, worldName) in Variables)
        {
            string? rank = getVariable(rankName), world = getVariable(worldName);
            if (string.IsNullOrEmpty(rank) && string.IsNullOrEmpty(world)) continue;
            if (!int.TryParse(rank, NumberStyles.None, CultureInfo.InvariantCulture, out int r) || !int.TryParse(world, NumberStyles.None, CultureInfo.InvariantCulture, out int w))
                throw new ArgumentException($"The launcher's environment is incomplete: {rankName}='{rank}', {worldName}='{world}'; both must be non-negative integers.");
            return (r, w, $"{rankName}/{worldName}");
        }
        return null;
    }
}
