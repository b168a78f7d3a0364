namespace WeightInit.Cli.Tests;

public class CliAppTests
{
    private static IEnumerable<string> Names() =>
        CliApp.BuildRoot(new CliContext(TextWriter.Null, TextWriter.Null)).Subcommands.Select(c => c.Name);

    public static TheoryData<string> CommandNames() => new(Names());

    [Theory]
    [MemberData(nameof(CommandNames))]
    public void Help_EveryCommand_ExitsZeroWithUsage(string command)
    {
        var run = CliRunner.Run(command, "--help");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("Usage:", run.Output);
        Assert.Contains(command, run.Output);
        Assert.Equal("", run.Error);
    }

    [Fact]
    public void Help_Root_ListsEveryCommand()
    {
        var run = CliRunner.Run("--help");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        foreach (var name in Names())
            Assert.Contains(name, run.Output);
    }

    [Fact]
    public void Run_UnknownCommand_ExitsTwoWithoutStackTrace()
    {
        var run = CliRunner.Run("frobnicate");

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("frobnicate", run.Error);
        Assert.Contains("--help", run.Error);
        Assert.False(CliRunner.HasStackTrace(run.Error));
    }

    [Fact]
    public void Run_NoCommand_ExitsTwo()
    {
        var run = CliRunner.Run();

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.NotEqual("", run.Error);
    }

    [Fact]
    public void Run_UnknownOption_ExitsTwoNamingIt()
    {
        var run = CliRunner.Run("list", "--colour");

        Assert.Equal(ExitCodes.UsageError, run.ExitCode);
        Assert.Contains("--colour", run.Error);
    }
}
