using System.CommandLine;
using ApexOrleans.Contracts.Chaos;

namespace ApexOrleans.Client.Cli;

/// <summary><c>--seed</c>, read by the same rule as a scenario's <c>chaos.seed</c> (<see cref="ChaosSeed"/>), with a plain message when it breaks it.</summary>
public static class SeedOption
{
    /// <summary>A new <c>--seed</c> option described by <paramref name="description"/>.</summary>
    public static Option<long?> Create(string description) => new("--seed")
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (ChaosSeed.TryParse(text, out var seed))
            {
                return seed;
            }

            result.AddError($"--seed '{text}' {ChaosSeed.Rule}.");
            return null;
        },
    };
}
