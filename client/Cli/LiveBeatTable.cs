using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Circuits;
using Spectre.Console;

namespace ApexOrleans.Client.Cli;

/// <summary>
/// On an interactive terminal: a live table with a row per beat (time, event, chaos, publish, circuits not
/// closed), filled in as the run goes; the phase shows in its caption. The final tables follow it.
/// </summary>
public sealed class LiveBeatTable(IAnsiConsole console) : IRunProgress
{
    private readonly ConsoleProgress _final = new(console);
    private readonly Table _table = new Table().Border(TableBorder.Rounded).Title("Beats")
        .AddColumns("#", "time", "event", "chaos", "publish", "circuits not closed");
    private LiveDisplayContext? _live;
    private Action? _pending; // the scorecard waits for the live display to end

    /// <summary>Runs <paramref name="run"/> while the table is shown live.</summary>
    public Task<T> ShowWhileAsync<T>(Func<Task<T>> run) =>
        console.Live(_table).AutoClear(false).StartAsync(async context =>
        {
            _live = context;
            return await run();
        });

    /// <inheritdoc />
    public void Phase(string description)
    {
        _table.Caption(description);
        _live?.Refresh();
    }

    /// <inheritdoc />
    public void BeatPublished(BeatProgress beat)
    {
        var open = beat.Circuits.Where(c => c.Value != CircuitStatus.Closed).Select(c => $"{c.Key} {c.Value}").ToList();
        _table.AddRow(
            beat.Beat.Number.ToString(), beat.Beat.Time.ToString("HH:mm:ss"), Markup.Escape(beat.Beat.Event.EventType),
            Markup.Escape(beat.Beat.Chaos.Describe()),
            beat.Answers,
            open.Count == 0 ? "[green]—[/]" : $"[yellow]{Markup.Escape(string.Join(", ", open))}[/]");
        _live?.Refresh();
    }

    /// <inheritdoc />
    public void Finished(Scorecard scorecard, string bundlePath, Manifest manifest)
    {
        _table.Caption("done");
        _live?.Refresh();
        _pending = () => _final.Finished(scorecard, bundlePath, manifest);
    }

    /// <summary>Prints the scorecard once the live display has ended.</summary>
    public void PrintSummary() => _pending?.Invoke();
}
