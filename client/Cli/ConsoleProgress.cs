using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Grains.Circuits;
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
        var publish = beat.RepeatedReceipt is { } repeated ? $"{beat.Receipt.Status}, again: {repeated.Status}" : beat.Receipt.Status.ToString();
        console.MarkupLine(
            $"  beat [bold]{beat.Beat.Number,2}[/] {beat.Beat.Time:HH:mm:ss} {Markup.Escape(beat.Beat.Event.EventType),-38} " +
            $"chaos: {Markup.Escape(beat.Beat.Chaos.Describe()),-28} publish: {publish,-22} " +
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
            criteria.AddRow(Markup.Escape(criterion.Title), criterion.Level.ToString().ToLowerInvariant(),
                criterion.Passed ? "[green]pass[/]" : "[red]FAIL[/]",
                Markup.Escape(string.Join(", ", criterion.Figures.Select(f => $"{f.Key}={Format(f.Value)}"))));
        }

        console.Write(beats);
        console.Write(criteria);
        console.MarkupLine(scorecard.Passed
            ? $"[green bold]PASSED[/] every must-pass criterion{(scorecard.ShouldPassed ? " and every target" : " (some targets missed)")}."
            : "[red bold]FAILED[/]: a must-pass criterion did not hold.");
        console.MarkupLine($"evidence: [link]{Markup.Escape(bundlePath)}[/]");
        console.MarkupLine($"digest:   {manifest.Digest}");
    }

    private static string Format(object? value) => value switch
    {
        null => "—",
        DateTimeOffset time => time.ToString("HH:mm:ss"),
        double d => d.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
