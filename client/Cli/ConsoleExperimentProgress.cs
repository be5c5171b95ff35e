using ApexOrleans.Client.Experiments;
using Spectre.Console;

namespace ApexOrleans.Client.Cli;

/// <summary>Shows an experiment as it runs (phases, faults on and off, one probe line a second), then its checks as a table.</summary>
public sealed class ConsoleExperimentProgress(IAnsiConsole console) : IExperimentProgress
{
    private double _lastLine = double.NegativeInfinity;

    /// <inheritdoc />
    public void Phase(string text) => console.MarkupLine($"[grey]» {Markup.Escape(text)}[/]");

    /// <inheritdoc />
    public void Sampled(ProbeSample sample, int tenantsInFlight)
    {
        if (sample.Seconds - _lastLine < 1)
        {
            return;
        }

        _lastLine = sample.Seconds;
        console.MarkupLine(Markup.Escape(
            $"  [{sample.Seconds,6:0.0}s {sample.Phase,-8}] " + string.Join(" · ", sample.Values.Select(v => $"{v.Key} {v.Value:0.###}")) +
            $" · tenants in flight {tenantsInFlight}" + (sample.FaultsOn.Count > 0 ? $" · ON: {string.Join(", ", sample.FaultsOn)}" : "")));
    }

    /// <inheritdoc />
    public void Note(string text) => console.MarkupLine($"[yellow]  ! {Markup.Escape(text)}[/]");

    /// <inheritdoc />
    public void Finished(ExperimentJournal journal, string path)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"{journal.ExperimentId} {journal.Title}").AddColumns("phase", "probe", "limit", "value", "held");
        foreach (var check in journal.Checks)
        {
            table.AddRow(Markup.Escape(check.Phase), Markup.Escape(check.Label), Markup.Escape(check.Limits),
                Markup.Escape(check.Value is { } v ? v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) : "n/a"),
                check.Passed ? "[green]yes[/]" : "[red]NO[/]");
        }

        console.Write(table);
        var t = journal.Traffic;
        console.MarkupLine(Markup.Escape($"traffic: {t.TenantsStarted} tenants started, {t.TenantsScored} scored, {t.TenantsSkipped} not started (in-flight cap); " +
            $"{t.CallsTried} calls, {t.CallFailures} failed and retried" + (t.ReplaysTried > 0 ? $"; {t.ReplaysTried} key replays, {t.ReplaysRefused} refused, {t.ReplaysExecuted} executed" : "")));
        if (journal.Halt is { } halt)
        {
            console.MarkupLine(Markup.Escape($"kill switch: {halt.Source}: {halt.Reason}; every fault reverted in {halt.TimeToRevertMs:0.#} ms"));
        }

        foreach (var note in journal.Notes)
        {
            console.MarkupLine($"[grey]  note: {Markup.Escape(note)}[/]");
        }

        var colour = journal.Passed ? "green" : "red";
        console.MarkupLine($"[{colour} bold]{journal.Status.ToUpperInvariant()}[/]: {Markup.Escape(journal.Verdict)}");
        console.MarkupLine($"journal: {Markup.Escape(path)}");
    }
}
