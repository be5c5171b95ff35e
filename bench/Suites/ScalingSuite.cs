using System.Globalization;
using System.Text;
using System.Text.Json;
using ApexOrleans.Bench.Harness;
using ApexOrleans.Bench.Workloads;
using ApexOrleans.Storage.Hosting;
using ApexOrleans.TestSupport;

namespace ApexOrleans.Bench.Suites;

/// <summary>
/// The scaling curve: N tenants at once (each beat published for every tenant before the next beat, 64 publishers),
/// on a fresh embedded silo on SQLite per point; events/s until every delivery is done, and the mesh's p99 latency.
/// Written to bench/results/scaling-curve.md, .json and .svg.
/// </summary>
public static class ScalingSuite
{
    /// <summary>One point of the curve.</summary>
    public sealed record Point(int Tenants, long Events, double Seconds, double EventsPerSecond, double MeshP50Ms, double MeshP99Ms, double PublishP99Ms, long Activations, double RssMiB,
        double WritesPerEvent, double BytesPerWrite);

    /// <summary>Measures every point and writes the table and the plot.</summary>
    public static async Task RunAsync(BenchOptions options, BenchReport report, MeshDays days, MachineFacts machine, DateTimeOffset at, Action<string> log)
    {
        var points = new List<Point>();
        foreach (var tenants in options.ScalingTenants)
        {
            // The earlier suites' heaps (the HTTP suite's memory storage holds every state it was given) stay resident under
            // the retained-memory GC setting; an aggressive collection returns them, so the RSS column shows this point's memory.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            using var folder = new TempFolder();
            await using var silo = await BenchSilo.StartAsync(GrainStorageChoice.Sqlite(folder.File("scaling.db")), options.CatalogPath);
            var target = new EmbeddedTarget(silo);
            await days.AllAtOnceAsync(target, 4, 4); // warm-up: JIT and the storage's first writes
            using var recorder = new LatencyRecorder();
            var writes = new StorageTally(silo.SqlStorage!);
            var run = await writes.CountAsync(() => days.AllAtOnceAsync(target, tenants, Math.Min(tenants, 64)));
            var latency = recorder.Take();
            var stats = silo.Stats;
            var point = new Point(tenants, run.Events, Math.Round(run.Elapsed.TotalSeconds, 3), Math.Round(run.EventsPerSecond, 1), latency.P50, latency.P99, run.PublishMs.P99,
                stats.Activations, Math.Round(stats.WorkingSetBytes / 1048576.0, 1), Math.Round(writes.PerEvent(run.Events), 2), Math.Round(writes.AverageBytes));
            points.Add(point);
            log($"    {tenants,6} tenants: {point.EventsPerSecond,8:N0} events/s, mesh p99 {point.MeshP99Ms} ms, publish p99 {point.PublishP99Ms} ms, {point.Activations:N0} activations, {point.RssMiB:N0} MiB");
            report.Measurements.Add(new Measurement($"scaling: {tenants} tenants", "events/s", [point.EventsPerSecond]));
        }

        Directory.CreateDirectory(options.ResultsDirectory);
        File.WriteAllText(Path.Combine(options.ResultsDirectory, "scaling-curve.json"), JsonSerializer.Serialize(new { at, machine, points }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        File.WriteAllText(Path.Combine(options.ResultsDirectory, "scaling-curve.md"), Table(points, machine, at));
        File.WriteAllText(Path.Combine(options.ResultsDirectory, "scaling-curve.svg"), Plot(points));
        log($"    scaling curve: {Path.Combine(options.ResultsDirectory, "scaling-curve.md")} and scaling-curve.svg");
    }

    private static string Table(List<Point> points, MachineFacts machine, DateTimeOffset at)
    {
        var md = new StringBuilder();
        md.AppendLine("# Scaling curve").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Measured {at:yyyy-MM-dd HH:mm} UTC with `dotnet run -c Release --project bench -- scaling` on {machine.Cores} cores, {machine.MemoryGiB} GiB.");
        md.AppendLine("Each point: a fresh embedded silo on SQLite; every tenant replays the scenario's day (each beat published for all tenants before the next, 64 publishers); " +
            "events/s until every delivery is done; mesh latency is the mesh's own per-delivery wall time.").AppendLine();
        md.AppendLine("| tenants | events | seconds | events/s | mesh p50 ms | mesh p99 ms | publish p99 ms | activations | bench process RSS MiB | writes per event | bytes per write | time growth / work growth |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Point? previous = null;
        foreach (var p in points)
        {
            var growth = previous is null ? "" : ((p.Seconds / previous.Seconds) / ((double)p.Events / previous.Events)).ToString("0.00", CultureInfo.InvariantCulture);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {p.Tenants:N0} | {p.Events:N0} | {p.Seconds} | {p.EventsPerSecond:N0} | {p.MeshP50Ms} | {p.MeshP99Ms} | {p.PublishP99Ms} | {p.Activations:N0} | {p.RssMiB:N0} | {p.WritesPerEvent} | {p.BytesPerWrite:N0} | {growth} |");
            previous = p;
        }

        md.AppendLine().AppendLine("\"time growth / work growth\" above 1 means the cost grew faster than linear from the previous point. ![scaling curve](scaling-curve.svg)");
        return md.ToString();
    }

    /// <summary>Events/s (left axis, blue) and mesh p99 (right axis, red) against tenants on a log scale.</summary>
    private static string Plot(List<Point> points)
    {
        const double width = 720, height = 380, left = 70, right = 70, top = 40, bottom = 50;
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var minX = Math.Log10(points.Min(p => p.Tenants));
        var maxX = Math.Max(Math.Log10(points.Max(p => p.Tenants)), minX + 1);
        var maxRate = Nice(points.Max(p => p.EventsPerSecond));
        var maxP99 = Nice(points.Max(p => p.MeshP99Ms));
        string X(int tenants) => F(left + (Math.Log10(tenants) - minX) / (maxX - minX) * plotW);
        string Y(double value, double max) => F(top + plotH - value / max * plotH);
        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">Mesh events/s and p99 latency by tenant count</text>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top + plotH}\" x2=\"{left + plotW}\" y2=\"{top + plotH}\" stroke=\"black\"/>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{top + plotH}\" stroke=\"#1f77b4\"/>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{left + plotW}\" y1=\"{top}\" x2=\"{left + plotW}\" y2=\"{top + plotH}\" stroke=\"#d62728\"/>");
        for (var i = 0; i <= 4; i++)
        {
            var y = F(top + plotH - i / 4.0 * plotH);
            svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{y}\" x2=\"{left + plotW}\" y2=\"{y}\" stroke=\"#eee\"/>");
            svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{y}\" text-anchor=\"end\" fill=\"#1f77b4\">{maxRate * i / 4:N0}</text>");
            svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{left + plotW + 6}\" y=\"{y}\" fill=\"#d62728\">{maxP99 * i / 4:0.##}</text>");
        }

        foreach (var p in points)
        {
            svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{X(p.Tenants)}\" y=\"{top + plotH + 18}\" text-anchor=\"middle\">{p.Tenants:N0}</text>");
        }

        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{left + plotW / 2}\" y=\"{height - 10}\" text-anchor=\"middle\">tenants at once (log scale)</text>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{top + plotH / 2}\" fill=\"#1f77b4\" transform=\"rotate(-90 16 {top + plotH / 2})\" text-anchor=\"middle\">events/s</text>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{width - 12}\" y=\"{top + plotH / 2}\" fill=\"#d62728\" transform=\"rotate(90 {width - 12} {top + plotH / 2})\" text-anchor=\"middle\">mesh p99 ms</text>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"{string.Join(' ', points.Select(p => $"{X(p.Tenants)},{Y(p.EventsPerSecond, maxRate)}"))}\"/>");
        svg.AppendLine(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"6 3\" points=\"{string.Join(' ', points.Select(p => $"{X(p.Tenants)},{Y(p.MeshP99Ms, maxP99)}"))}\"/>");
        foreach (var p in points)
        {
            svg.AppendLine(CultureInfo.InvariantCulture, $"<circle cx=\"{X(p.Tenants)}\" cy=\"{Y(p.EventsPerSecond, maxRate)}\" r=\"4\" fill=\"#1f77b4\"/>");
            svg.AppendLine(CultureInfo.InvariantCulture, $"<circle cx=\"{X(p.Tenants)}\" cy=\"{Y(p.MeshP99Ms, maxP99)}\" r=\"4\" fill=\"#d62728\"/>");
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static double Nice(double max)
    {
        if (max <= 0)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        return new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(v => v >= max);
    }

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
