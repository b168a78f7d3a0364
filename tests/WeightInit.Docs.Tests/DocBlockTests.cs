using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using WeightInit.Tests.Oracles;
using Xunit.Abstractions;

namespace WeightInit.Docs.Tests;

/// <summary>One ```csharp block of README.md or docs/**/*.md: its file (relative to the repo root), line and code.</summary>
public sealed record DocBlock(string File, int Line, string Code)
{
    /// <summary>The xunit display of the row.</summary>
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>Finds the documentation's C# blocks in the repository the test runs from.</summary>
public static partial class DocBlocks
{
    /// <summary>The directory holding WeightInit.slnx, found by walking up from the test's output directory.</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>README.md and every docs/**/*.md, in a stable order.</summary>
    public static IReadOnlyList<string> MarkdownFiles { get; } =
        new[] { Path.Combine(RepoRoot, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(RepoRoot, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            .ToList();

    /// <summary>Every ```csharp block of <see cref="MarkdownFiles"/>.</summary>
    public static IReadOnlyList<DocBlock> All { get; } = MarkdownFiles.SelectMany(Parse).ToList();

    /// <summary>True when the block reads Debian's Fashion-MNIST (an outside resource): it names <c>FashionMnist.</c>.</summary>
    public static bool NeedsFashionMnist(DocBlock block) => block.Code.Contains("FashionMnist.", StringComparison.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WeightInit.slnx")))
                return dir.FullName;
        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds WeightInit.slnx.");
    }

    private static IEnumerable<DocBlock> Parse(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string relative = Path.GetRelativePath(RepoRoot, path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
                continue;
            int start = i + 1, end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
                end++;
            if (end == lines.Length)
                throw new InvalidOperationException($"{relative}:{i + 1}: a ```csharp block is never closed.");
            yield return new DocBlock(relative, i + 1, string.Join('\n', lines[start..end]));
            i = end;
        }
    }

    /// <summary>How many times "```csharp" occurs in <see cref="MarkdownFiles"/>, counted as plain text.</summary>
    public static int CountFences() => MarkdownFiles.Sum(f => FenceRegex().Matches(File.ReadAllText(f)).Count);

    [GeneratedRegex("```csharp")]
    private static partial Regex FenceRegex();
}

/// <summary>Every C# block in the documentation compiles as a top-level program and runs without an exception.</summary>
/// <remarks>Blocks change <see cref="Environment.CurrentDirectory"/>, so the class runs its tests one at a time.</remarks>
[Collection(nameof(DocBlockCollection))]
public sealed class DocBlockTests(ITestOutputHelper output)
{
    /// <summary>The blocks needing nothing outside the repository, as "file:line" (serializable, so one test per block).</summary>
    public static TheoryData<string> SelfContained() => new(DocBlocks.All.Where(b => !DocBlocks.NeedsFashionMnist(b)).Select(b => b.ToString()));

    /// <summary>The blocks reading Debian's Fashion-MNIST, as "file:line".</summary>
    public static TheoryData<string> FashionMnistBlocks() => new(DocBlocks.All.Where(DocBlocks.NeedsFashionMnist).Select(b => b.ToString()));

    /// <summary>The global usings of a new <c>dotnet new console</c> project (ImplicitUsings): a block states only the rest.</summary>
    private const string ImplicitUsings =
        "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
        "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    [Fact]
    public void EveryFenceIsFoundAndTested()
    {
        int fences = DocBlocks.CountFences();
        Assert.True(fences > 0, "no ```csharp block found in README.md or docs/");
        Assert.Equal(fences, DocBlocks.All.Count);
        Assert.Equal(fences, SelfContained().Count + FashionMnistBlocks().Count);
    }

    [Theory]
    [MemberData(nameof(SelfContained))]
    public void BlockCompilesAndRuns(string block) => CompileAndRun(DocBlocks.All.Single(b => b.ToString() == block));

    [OracleTheory(Oracle.FashionMnist)]
    [MemberData(nameof(FashionMnistBlocks))]
    public void FashionMnistBlockCompilesAndRuns(string block) => CompileAndRun(DocBlocks.All.Single(b => b.ToString() == block));

    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "WeightInit*.dll"))
            .Where(p => !p.EndsWith("WeightInit.Docs.Tests.dll", StringComparison.Ordinal))
            .DistinctBy(Path.GetFileName);
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
    });

    private void CompileAndRun(DocBlock block)
    {
        var tree = CSharpSyntaxTree.ParseText(block.Code, new CSharpParseOptions(LanguageVersion.Latest), path: block.ToString());
        var compilation = CSharpCompilation.Create(
            "DocBlock_" + Guid.NewGuid().ToString("N"), [tree, CSharpSyntaxTree.ParseText(ImplicitUsings, tree.Options as CSharpParseOptions)], References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Default, allowUnsafe: true));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        foreach (var d in emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning))
            output.WriteLine(d.ToString());
        Assert.True(emitted.Success, $"{block} does not compile:\n" + string.Join('\n', emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));

        var assembly = Assembly.Load(image.ToArray());
        var entry = assembly.EntryPoint ?? throw new InvalidOperationException($"{block}: no entry point.");
        string previous = Environment.CurrentDirectory;
        string work = Directory.CreateTempSubdirectory("weightinit-doc-").FullName;
        try
        {
            Environment.CurrentDirectory = work;
            object?[] args = entry.GetParameters().Length == 0 ? [] : [Array.Empty<string>()];
            object? result = entry.Invoke(null, args);
            if (result is Task task)
                task.GetAwaiter().GetResult();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            Assert.Fail($"{block} throws: {e.InnerException}");
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            Directory.Delete(work, recursive: true);
        }
    }
}

/// <summary>The documentation blocks' collection: never run beside another test (they set the process's working directory).</summary>
[CollectionDefinition(nameof(DocBlockCollection), DisableParallelization = true)]
public sealed class DocBlockCollection;
