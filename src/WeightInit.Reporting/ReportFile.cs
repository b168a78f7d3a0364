using System.Text;

namespace WeightInit.Reporting;

/// <summary>Writes one report file as UTF-8 without a byte-order mark, creating the directory if needed.</summary>
internal static class ReportFile
{
    public static string Write(string directory, string fileName, string content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, fileName);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }
}
