namespace WeightInit.Cli;

/// <summary>Input the user can fix: the message names the problem and the valid choices. Exits with <see cref="ExitCodes.UsageError"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
