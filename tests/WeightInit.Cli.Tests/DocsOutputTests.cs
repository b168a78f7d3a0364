namespace WeightInit.Cli.Tests;

/// <summary>Every output block in README.md and docs/*.md marked <c>&lt;!-- output: ARGS --&gt;</c> is what
/// <c>weightinit ARGS</c> prints now: its lines (trailing spaces aside) are a contiguous run of the command's output lines.</summary>
public class DocsOutputTests
{
    private const string Marker = "<!-- output: ";

    /// <summary>(file, args, block) for every marked block.</summary>
    public static TheoryData<string, string, string> Blocks()
    {
        var data = new TheoryData<string, string, string>();
        string root = RepositoryRoot();
        var files = Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md")).Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                if (!lines[i].StartsWith(Marker, StringComparison.Ordinal)) continue;
                string args = lines[i][Marker.Length..lines[i].LastIndexOf(" -->", StringComparison.Ordinal)];
                Assert.Equal("```", lines[i + 1]);
                int end = Array.IndexOf(lines, "```", i + 2);
                data.Add(Path.GetRelativePath(root, file), args, string.Join('\n', lines[(i + 2)..end]));
            }
        }
        return data;
    }

    [Fact]
    public void Blocks_AreFound() => Assert.True(Blocks().Count >= 2, "docs/cli.md marks the analyze examples");

    [Theory]
    [MemberData(nameof(Blocks))]
    public void MarkedBlock_IsTheCommandsOutput(string file, string args, string block)
    {
        var run = CliRunner.Run(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var output = run.Output.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        var expected = block.Split('\n').Select(l => l.TrimEnd()).ToList();
        bool found = Enumerable.Range(0, Math.Max(0, output.Count - expected.Count + 1)).Any(s => output.Skip(s).Take(expected.Count).SequenceEqual(expected));
        Assert.True(found, $"{file}: the block under '{Marker}{args} -->' is not in today's output:\n{run.Output}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WeightInit.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No WeightInit.slnx above {AppContext.BaseDirectory}.");
    }
}
