namespace WeightInit.Analysis.Tests.Reporting;

/// <summary>
/// A fact that needs Debian's Chromium: skipped with the reason printed when the browser is missing, except under
/// CI=true, where the test runs and fails, so a CI machine without the browser cannot pass silently.
/// </summary>
internal sealed class BrowserFactAttribute : FactAttribute
{
    /// <summary>The browser the tests drive (Debian package <c>chromium</c>); Playwright downloads none.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        if (!File.Exists(ChromiumPath) && !IsCi)
        {
            Skip = $"{ChromiumPath} not found: install Debian's chromium package (apt-get install chromium) to run the browser test. Under CI=true this test fails instead.";
        }
    }

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
