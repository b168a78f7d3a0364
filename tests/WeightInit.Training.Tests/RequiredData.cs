using WeightInit.Training.Data;

namespace WeightInit.Training.Tests;

/// <summary>Tests that need data from outside the repository skip, with the reason, when it is missing — except under CI=true, where they run and fail.</summary>
internal static class RequiredData
{
    /// <summary>Whether the environment variable CI is "true": missing data must then fail the test, not skip it.</summary>
    public static bool InContinuousIntegration =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The reason to skip, or null to run: data that is present runs; missing data skips outside CI and runs (to fail) under CI.</summary>
    public static string? SkipReason(bool available, string missingReason) => SkipReason(available, InContinuousIntegration, missingReason);

    /// <summary><see cref="SkipReason(bool, string)"/> with the CI setting given.</summary>
    public static string? SkipReason(bool available, bool inContinuousIntegration, string missingReason) =>
        available || inContinuousIntegration ? null : missingReason + " (under CI=true this test fails instead)";
}

/// <summary>A fact that needs the Fashion-MNIST files of the Debian package <c>dataset-fashion-mnist</c>.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    /// <summary>Skips with the reason when the package's files are missing, unless CI=true.</summary>
    public FashionMnistFactAttribute() =>
        Skip = RequiredData.SkipReason(
            FashionMnist.FindDirectory() is not null,
            $"Fashion-MNIST not found in {FashionMnist.DebianDirectory}: apt-get install {FashionMnist.DebianPackage}");
}
