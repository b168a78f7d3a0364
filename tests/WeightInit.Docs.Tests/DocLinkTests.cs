using System.Text.RegularExpressions;

namespace WeightInit.Docs.Tests;

/// <summary>Every relative link of README.md and docs/**/*.md leads to a file of the repository, and its #anchor to a heading there.</summary>
public sealed partial class DocLinkTests
{
    /// <summary>One relative link: where it is written and what it points to.</summary>
    public sealed record DocLink(string File, int Line, string Target)
    {
        /// <summary>The xunit display of the row.</summary>
        public override string ToString() => $"{File}:{Line} → {Target}";
    }

    /// <summary>The relative links outside code (fences and inline code are skipped), in file order.</summary>
    public static IReadOnlyList<DocLink> All { get; } = DocBlocks.MarkdownFiles.SelectMany(Links).ToList();

    public static TheoryData<string> Rows() => new(All.Select(l => l.ToString()));

    [Fact]
    public void TheDocsHaveRelativeLinks() => Assert.True(All.Count >= 20, $"found only {All.Count} relative links; the parser is probably broken");

    [Theory]
    [MemberData(nameof(Rows))]
    public void LinkResolves(string row)
    {
        var link = All.Single(l => l.ToString() == row);
        int hash = link.Target.IndexOf('#');
        string path = hash < 0 ? link.Target : link.Target[..hash];
        string anchor = hash < 0 ? "" : link.Target[(hash + 1)..];
        string source = Path.Combine(DocBlocks.RepoRoot, link.File);
        string target = path.Length == 0 ? source : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, Uri.UnescapeDataString(path)));
        Assert.True(File.Exists(target) || Directory.Exists(target), $"{link}: {Path.GetRelativePath(DocBlocks.RepoRoot, target)} does not exist");
        Assert.StartsWith(DocBlocks.RepoRoot, target, StringComparison.Ordinal);
        if (anchor.Length > 0 && target.EndsWith(".md", StringComparison.Ordinal))
        {
            var anchors = Anchors(target);
            Assert.True(anchors.Contains(anchor), $"{link}: no heading of {Path.GetFileName(target)} has the anchor #{anchor}; it has: {string.Join(", ", anchors.Order())}");
        }
    }

    [Theory]
    [InlineData("Report runtime", "report-runtime")]
    [InlineData("`Gemm.Multiply`: C ← α·op(A)·op(B) + β·C", "gemmmultiply-c--αopaopb--βc")]
    [InlineData("Writing past the page cache (O_DIRECT)", "writing-past-the-page-cache-o_direct")]
    public void Slug_FollowsGitHubsRule(string heading, string expected) => Assert.Equal(expected, Slug(heading));

    /// <summary>GitHub's heading anchors: lower case, every character but letters, digits, '_', '-' and ' ' dropped, spaces to '-', repeats numbered -1, -2, ….</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        bool fence = false;
        foreach (string line in File.ReadLines(markdown))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { fence = !fence; continue; }
            if (fence) continue;
            var m = HeadingRegex().Match(line);
            if (!m.Success) continue;
            string slug = Slug(m.Groups[1].Value), unique = slug;
            for (int i = 1; !anchors.Add(unique); i++)
                unique = $"{slug}-{i}";
        }
        return anchors;
    }

    internal static string Slug(string heading) =>
        SlugDropRegex().Replace(heading.Trim().ToLowerInvariant(), "").Replace(' ', '-');

    private static IEnumerable<DocLink> Links(string path)
    {
        string relative = Path.GetRelativePath(DocBlocks.RepoRoot, path);
        bool fence = false;
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { fence = !fence; continue; }
            if (fence) continue;
            foreach (Match m in LinkRegex().Matches(InlineCodeRegex().Replace(line, "")))
            {
                string target = m.Groups[1].Value;
                if (!SchemeRegex().IsMatch(target))
                    yield return new DocLink(relative, number, target);
            }
        }
    }

    [GeneratedRegex(@"^#{1,6}\s+(.*?)\s*#*\s*$")] private static partial Regex HeadingRegex();
    [GeneratedRegex(@"[^\p{L}\p{N}\p{M}_\- ]")] private static partial Regex SlugDropRegex();
    [GeneratedRegex(@"\[[^\]]*\]\(([^)\s]+)\)")] private static partial Regex LinkRegex();
    [GeneratedRegex(@"`[^`]*`")] private static partial Regex InlineCodeRegex();
    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")] private static partial Regex SchemeRegex();
}
