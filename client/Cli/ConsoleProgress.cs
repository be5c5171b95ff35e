using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Circuits;
using Spectre.Console;

namespace ApexOrleans.Client.Cli;

/// <summary>Shows a run beat by beat: a table of beats, their chaos and the circuits that are not closed; then the scorecard.</summary>
public sealed class ConsoleProgress(IAnsiConsole console) : IRunProgress
{
    /// <inheritdoc />
    public void Phase(string description) => console.MarkupLine($"[grey]» {Markup.Escape(description)}[/]");

    /// <inheritdoc />
    public void BeatPublished(BeatProgress beat)
    {
        var circuits = beat.Circuits.Where(c => c.Value != CircuitStatus.Closed).Select(c => $"{c.Key} {c.Value}").ToList();
        console.MarkupLine(
            $"  beat [bold]{beat.Beat.Number,2}[/] {beat.Beat.Time:HH:mm:ss} {Markup.Escape(beat.Beat.Event.EventType),-38} " +
            $"chaos: {Markup.Escape(beat.Beat.Chaos.Describe()),-28} publish: {beat.Answers,-22} " +
            $"circuits: {(circuits.Count == 0 ? "[green]all closed[/]" : $"[yellow]{Markup.Escape(string.Join(", ", circuits))}[/]")}");
    }

    /// <inheritdoc />
    public void Finished(Scorecard scorecard, string bundlePath, Manifest manifest)
    {
        var beats = new Table().Border(TableBorder.Rounded).Title("Beats").AddColumns("#", "event", "publish", "data proofs", "outcome");
        foreach (var beat in scorecard.Beats)
        {
            beats.AddRow(beat.Beat.ToString(), Markup.Escape(beat.EventType), beat.Publish,
                $"{beat.Proofs.Count(p => p.Passed)}/{beat.Proofs.Count}", beat.Passed ? "[green]passed[/]" : "[red]failed[/]");
        }

        var criteria = new Table().Border(TableBorder.Rounded).Title("Scorecard").AddColumns("criterion", "level", "result", "figures");
        foreach (var criterion in scorecard.Criteria)
        {
            criteria.AddRow(Markup.Escape(criterion.Title), criterion.Level.ToString().ToLowerInvariant(), Result(criterion),
                Markup.Escape(criterion.Status == CriterionStatus.NotExercised
                    ? criterion.NotExercisedBecause ?? ""
                    : string.Join(", ", criterion.Figures.Select(f => $"{f.Key}={Format(f.Value)}"))));
        }

        console.Write(beats);
        console.Write(criteria);
        var must = scorecard.Criteria.Where(c => c.Level == CriterionLevel.Must).ToList();
        var expected = must.Count(c => c.Status == CriterionStatus.NotExercised && c.ExpectedNotExercised);
        var unexercised = must.Where(c => c.Status == CriterionStatus.NotExercised && !c.ExpectedNotExercised).Select(c => c.Id).ToList();
        var broken = must.Where(c => c.Status == CriterionStatus.Failed).Select(c => c.Id).ToList();
        var targets = scorecard.Criteria.Where(c => c.Level == CriterionLevel.Should).ToList();
        console.MarkupLine(scorecard.Passed
            ? $"[green bold]PASSED[/] every must-pass criterion{(expected > 0 ? $" ({expected} not exercised, as the scenario expects)" : "")}" +
              (scorecard.ShouldPassed ? " and every target."
                  : targets.Any(c => c.Status == CriterionStatus.Failed) ? " (some targets missed)." : " (some targets not exercised).")
            : "[red bold]FAILED[/]: " + string.Join("; ", new[]
            {
                broken.Count > 0 ? $"must-pass {string.Join(", ", broken)} did not hold" : null,
                unexercised.Count > 0 ? $"must-pass {string.Join(", ", unexercised)} had nothing to observe, and the scenario does not expect that" : null,
            }.OfType<string>()) + ".");
        foreach (var surprise in scorecard.Criteria.Where(c => c.ExpectedNotExercised && c.Status != CriterionStatus.NotExercised))
        {
            console.MarkupLine($"[yellow]note[/]: the scenario expects {Markup.Escape(surprise.Id)} not to be exercised, but it was: judged on its evidence.");
        }

        console.MarkupLine($"evidence: [link]{Markup.Escape(bundlePath)}[/]");
        console.MarkupLine($"digest:   {manifest.Digest}");
    }

    private static string Result(Criterion criterion) => criterion.Status switch
    {
        CriterionStatus.Passed => "[green]pass[/]",
        CriterionStatus.Failed => "[red]FAIL[/]",
        _ when criterion.ExpectedNotExercised => "[grey]not exercised (expected)[/]",
        _ => criterion.Level == CriterionLevel.Must ? "[red]NOT EXERCISED[/]" : "[yellow]not exercised[/]",
    };

    private static string Format(object? value) => value switch
    {
        null => "—",
        DateTimeOffset time => time.ToString("HH:mm:ss"),
        double d => d.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
