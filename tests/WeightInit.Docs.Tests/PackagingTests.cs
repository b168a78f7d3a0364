using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace WeightInit.Docs.Tests;

/// <summary>The README's install promises, checked against the projects (the links: <see cref="DocLinkTests"/>).</summary>
public class PackagingTests
{
    /// <summary>Every src project that <c>dotnet pack</c> turns into a package (all but those marked IsPackable false).</summary>
    public static TheoryData<string> PackableProjects()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(DocBlocks.RepoRoot, "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var project = XDocument.Load(file);
            if (Property(project, "IsPackable") == "false") continue;
            data.Add(Path.GetRelativePath(DocBlocks.RepoRoot, file));
        }
        return data;
    }

    [Fact]
    public void PackableProjects_AreTheTenTheReadmeNames() => Assert.Equal(10, PackableProjects().Count);

    [Theory]
    [MemberData(nameof(PackableProjects))]
    public void Package_HasIdDescriptionAndTheReadme_AndTheReadmeListsIt(string relative)
    {
        var project = XDocument.Load(Path.Combine(DocBlocks.RepoRoot, relative));
        string? id = Property(project, "PackageId");
        Assert.False(string.IsNullOrWhiteSpace(id), $"{relative}: no PackageId");
        Assert.False(string.IsNullOrWhiteSpace(Property(project, "Description")), $"{relative}: no Description");
        Assert.True(Property(project, "GenerateDocumentationFile") == "true", $"{relative}: no XML documentation in the package");
        // nuget.org shows the package's readme; without PackageReadmeFile and the file packed at the root, pack warns and it has none.
        Assert.Equal("README.md", Property(project, "PackageReadmeFile"));
        Assert.Contains(project.Descendants("None"), n => (string?)n.Attribute("Include") == "../../README.md"
            && (string?)n.Attribute("Pack") == "true" && (string?)n.Attribute("PackagePath") == "/");

        // README's install section names every package: WeightInit.Cli and WeightInit in full, the others as ".Suffix".
        string readme = File.ReadAllText(Path.Combine(DocBlocks.RepoRoot, "README.md"));
        string install = readme[readme.IndexOf("### Installing the tool and the packages", StringComparison.Ordinal)..readme.IndexOf("## The library in one screen", StringComparison.Ordinal)];
        string shortName = id!.StartsWith("WeightInit.", StringComparison.Ordinal) ? id["WeightInit".Length..] : id;
        Assert.True(Regex.IsMatch(install, $@"(^|[\s,]){Regex.Escape(id)}(\s|,|$)", RegexOptions.Multiline)
            || Regex.IsMatch(install, $@"(^|[\s,]){Regex.Escape(shortName)}(\s|,|$)", RegexOptions.Multiline), $"README's install section does not name {id}");
    }

    private static string? Property(XDocument project, string name) => project.Descendants(name).Select(e => e.Value.Trim()).LastOrDefault();
}
