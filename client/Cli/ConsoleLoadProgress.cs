using ApexOrleans.Client.Load;
using Spectre.Console;

namespace ApexOrleans.Client.Cli;

/// <summary>Shows a load as one line a second, then its figures as a table.</summary>
public sealed class ConsoleLoadProgress(IAnsiConsole console) : ILoadProgress
{
    /// <inheritdoc />
    public void Phase(string description) => console.MarkupLine($"[grey]» {Markup.Escape(description)}[/]");

    /// <inheritdoc />
    public void Tick(LoadTick tick) => console.MarkupLine(Markup.Escape(
        $"  [{tick.Elapsed.TotalSeconds,5:0}s] tenants {tick.Done}{(tick.Total is { } t ? $"/{t}" : "")} done, {tick.Running} running" +
        $" · {tick.EventsPerSecond,7:0.0} events/s · {tick.DeliveriesPerSecond,7:0.0} deliveries/s · p99 {tick.RecentMeshP99Ms:0.00} ms" +
        $" · pending {tick.Silo.PendingDeliveries} · activations {tick.Silo.Activations} · rss {tick.Silo.WorkingSetBytes / 1048576.0:0} MiB" +
        (tick.Failed > 0 ? $" · FAILED {tick.Failed}" : "")));

    /// <inheritdoc />
    public void Finished(LoadSummary s, string bundlePath)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Load").AddColumns("figure", "value");
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("tenants", $"{s.Tenants} ({s.TenantsPassed} passed, {s.TenantsFailed} failed, {s.Errors} errors), {s.Concurrency} at once, {s.Storage} on {s.Silo}");
        Row("wall time", $"{s.WallSeconds:0.###} s");
        Row("events", $"{s.Events} ({s.EventsPerSecond:0.0}/s), {s.Publishes} publishes, {s.DistinctIdempotencyKeys} distinct keys");
        Row("deliveries", $"{s.Deliveries} ({s.DeliveriesPerSecond:0.0}/s), {s.Undelivered} undelivered");
        Row("mesh latency ms", $"p50 {s.MeshLatencyMs.P50} · p95 {s.MeshLatencyMs.P95} · p99 {s.MeshLatencyMs.P99} · max {s.MeshLatencyMs.Max}");
        Row("publish latency ms", $"p50 {s.PublishLatencyMs.P50} · p95 {s.PublishLatencyMs.P95} · p99 {s.PublishLatencyMs.P99} · max {s.PublishLatencyMs.Max}");
        Row("attempts", $"{s.Attempts}: {s.Retries} retries, {s.FailedAttempts} failed (injected), {s.InjectedDelayTotalMs / 1000:0.0} s injected delay (tenant clocks)");
        Row("queue depth", $"peak {s.QueueDepth.Peak}, final {s.QueueDepth.Final}");
        Row("activations", $"peak {s.Activations.Peak}, final {s.Activations.Final}");
        Row("resident memory", $"peak {s.WorkingSetBytes.Peak / 1048576.0:0} MiB, final {s.WorkingSetBytes.Final / 1048576.0:0} MiB");
        if (s.StorageWrites is { } writes)
        {
            Row("storage writes", $"{writes.Writes} ({writes.PerEvent:0.00} per event), {writes.BytesPerWrite:0} bytes each");
        }

        console.Write(table);
        foreach (var failure in s.Failures)
        {
            console.MarkupLine($"[red]  {Markup.Escape(failure)}[/]");
        }

        console.MarkupLine(s.Passed ? "[green bold]PASSED[/]: every tenant held every must-pass criterion." : "[red bold]FAILED[/]: see the tenants above.");
        console.MarkupLine($"load bundle: {Markup.Escape(bundlePath)} (figures in load.json; check it with apex verify)");
    }
}
