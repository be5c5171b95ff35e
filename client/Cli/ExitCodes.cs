namespace ApexOrleans.Client.Cli;

/// <summary>What every <c>apex</c> command's exit code means, stated once for the code, <c>--help</c> and README.md.</summary>
public static class ExitCodes
{
    /// <summary>Every must-pass criterion or invariant held; the command did what it was asked.</summary>
    public const int Passed = 0;

    /// <summary>A criterion, invariant or verification failed (or an experiment did not hold).</summary>
    public const int Failed = 1;

    /// <summary>Bad input or usage: an unknown flag or command, a bad value, a bad file. Nothing was run or written.</summary>
    public const int BadInput = 2;

    /// <summary>The environment failed: an output folder that cannot be written, storage or a silo that does not answer.</summary>
    public const int EnvironmentFailure = 3;

    /// <summary>The codes as a paragraph for <c>--help</c>.</summary>
    public const string Help =
        "Exit codes: 0 passed; 1 a criterion or verification failed; 2 bad input or usage (flags, files, values: nothing run or written); " +
        "3 environment failure (output folder not writable, storage or silo unreachable).";

    /// <summary>A command description followed by the exit codes.</summary>
    public static string Described(string description) => $"{description}{Environment.NewLine}{Help}";
}
