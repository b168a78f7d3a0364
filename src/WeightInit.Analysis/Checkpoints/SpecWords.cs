namespace WeightInit.Analysis.Checkpoints;

/// <summary>How names in specs are compared: lower case without '_', '-' and spaces (the initializer registry's rule).</summary>
internal static class SpecWords
{
    public static string Normalize(string name) =>
        new string(name.Where(c => c is not ('_' or '-' or ' ')).ToArray()).ToLowerInvariant();
}
