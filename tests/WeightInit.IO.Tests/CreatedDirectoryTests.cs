using WeightInit.IO;

namespace WeightInit.IO.Tests;

public sealed class CreatedDirectoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"weightinit-created-{Guid.NewGuid():N}");

    public CreatedDirectoryTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string[] Entries() =>
        Directory.GetFileSystemEntries(_root, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(_root, p)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Create_MissingParents_ReturnsTheOutermostCreated_AndRemoveLeavesOnlyWhatWasThere()
    {
        Directory.CreateDirectory(Path.Combine(_root, "a"));
        string? created = CreatedDirectory.Create(Path.Combine(_root, "a", "b", "c"));
        Assert.Equal(Path.Combine(_root, "a", "b"), created);
        Assert.True(Directory.Exists(Path.Combine(_root, "a", "b", "c")));
        CreatedDirectory.RemoveIfNoFiles(created);
        Assert.Equal(["a"], Entries());
    }

    [Fact]
    public void Create_ExistingDirectory_ReturnsNull_AndRemoveOfNullDoesNothing()
    {
        Assert.Null(CreatedDirectory.Create(_root));
        CreatedDirectory.RemoveIfNoFiles(null);
        Assert.True(Directory.Exists(_root));
    }

    [Fact]
    public void RemoveIfNoFiles_AFileAtAnyDepth_KeepsTheFolder()
    {
        string? created = CreatedDirectory.Create(Path.Combine(_root, "x", "y"));
        File.WriteAllText(Path.Combine(_root, "x", "y", "kept.txt"), "data");
        CreatedDirectory.RemoveIfNoFiles(created);
        Assert.Equal(["x", "x/y", "x/y/kept.txt"], Entries());
    }

    [Fact]
    public void Create_UnderAFile_ThrowsAndLeavesNothing()
    {
        File.WriteAllText(Path.Combine(_root, "file"), "not a folder");
        Assert.ThrowsAny<IOException>(() => CreatedDirectory.Create(Path.Combine(_root, "file", "sub")));
        Assert.Equal(["file"], Entries());
    }
}
