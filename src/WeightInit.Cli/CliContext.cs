using Spectre.Console;

namespace WeightInit.Cli;

/// <summary>Where a command writes: standard output (results) and standard error (problems), as writers so that tests can capture them.</summary>
internal sealed class CliContext
{
    /// <summary>Width given to tables when the output is not a terminal, so that files and tests get unwrapped rows.</summary>
    private const int RedirectedWidth = 200;

    /// <summary>Creates a context over two writers.</summary>
    public CliContext(TextWriter output, TextWriter error)
    {
        Output = output;
        Error = error;
    }

    /// <summary>Results go here.</summary>
    public TextWriter Output { get; }

    /// <summary>Problems and notes go here.</summary>
    public TextWriter Error { get; }

    /// <summary>True when <see cref="Output"/> is the process's console attached to a terminal (colours and the terminal's width).</summary>
    public bool OutputIsTerminal => ReferenceEquals(Output, Console.Out) && !Console.IsOutputRedirected;

    /// <summary>True when <see cref="Error"/> is the process's console attached to a terminal (progress notes go there only then).</summary>
    public bool ErrorIsTerminal => ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>A Spectre console over <see cref="Output"/>: ANSI and colours only on a terminal, plain wide text otherwise.</summary>
    public IAnsiConsole CreateConsole()
    {
        bool terminal = OutputIsTerminal;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Output),
        });
        if (!terminal) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
