using ApexOrleans.Client.Cli;
using Spectre.Console;

// Plain text when the output goes to a file or a pipe (CI logs), colours and tables on a terminal.
var console = AnsiConsole.Create(new AnsiConsoleSettings
{
    Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
    ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
});
return await ApexCommands.InvokeAsync(console, args);
