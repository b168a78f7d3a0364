using System.Text.Json;
using WeightInit.Initializers;

namespace WeightInit.Cli.Tests;

public class ListCommandTests
{
    [Fact]
    public void List_Table_ContainsEveryRegistryName()
    {
        var run = CliRunner.Run("list");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        foreach (var info in InitializerRegistry.All)
            Assert.Contains($"│ {info.Name} ", run.Output);
        Assert.Contains($"{InitializerRegistry.All.Count} initializers", run.Output);
    }

    [Fact]
    public void List_Json_MatchesRegistryInOrder()
    {
        var run = CliRunner.Run("list", "--json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Output);
        var entries = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(InitializerRegistry.All.Count, entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            var info = InitializerRegistry.All[i];
            Assert.Equal(info.Name, entries[i].GetProperty("name").GetString());
            Assert.Equal(info.Summary, entries[i].GetProperty("formula").GetString());
            Assert.Equal(info.Aliases, entries[i].GetProperty("aliases").EnumerateArray().Select(a => a.GetString()!));
            var parameters = entries[i].GetProperty("parameters").EnumerateArray().ToList();
            Assert.Equal(info.Parameters.Select(p => p.Name), parameters.Select(p => p.GetProperty("name").GetString()!));
            Assert.Equal(info.Parameters.Select(p => p.Default), parameters.Select(p => p.GetProperty("default").GetString()!));
        }
    }

    [Theory]
    [InlineData("GlorotNormal", "glorot_truncated_normal")]
    [InlineData("HeNormal", "he_truncated_normal")]
    [InlineData("LecunNormal", "lecun_truncated_normal")]
    public void List_Json_KerasClassNamesAreAliasesOfTheTruncatedEntries(string keras, string entry)
    {
        var run = CliRunner.Run("list", "--json");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Output);
        var owners = doc.RootElement.EnumerateArray()
            .Where(e => e.GetProperty("aliases").EnumerateArray().Any(a => a.GetString() == keras))
            .Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Equal([entry], owners);
        Assert.Contains("truncated", doc.RootElement.EnumerateArray().Single(e => e.GetProperty("name").GetString() == entry).GetProperty("formula").GetString());
    }
}
