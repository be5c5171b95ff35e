using ApexOrleans.TestSupport;

namespace ApexOrleans.Client.Tests.Tracing;

/// <summary><c>apex run --otlp</c> sends the embedded silo's spans and metrics to a collector; off by default, and a bad URL runs nothing.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task ARunWithOtlpSendsItsSpansAndTheMeshsMetricsToTheCollector()
    {
        await using var collector = await TestOtlpCollector.StartAsync();
        using var folder = new TempFolder();

        var (exitCode, output) = await Apex.RunAsync("run", "--scenario", Apex.SarahsDay, "--out", folder.Path, "--storage", "memory", "--otlp", collector.Url);

        Assert.True(exitCode == 0, output);
        var traces = collector.Text(TestOtlpCollector.TraceExport);
        Assert.Contains("ApexOrleans.Mesh", traces);
        Assert.Contains("publish flowbills:payment.received", traces);
        Assert.Contains("apex.duplicate.refused", traces);
        Assert.Contains("apex-run", traces); // the service's name, in the resource
        var metrics = collector.Text(TestOtlpCollector.MetricsExport);
        Assert.Contains("apex.events.published", metrics);
        Assert.Contains("orleans-", metrics.Replace('_', '-').Replace('.', '-')); // Orleans' own meter, beside the mesh's
    }

    [Fact]
    public async Task AnOtlpEndpointThatIsNoUrlRunsNothing()
    {
        using var folder = new TempFolder();

        var (exitCode, output) = await Apex.RunAsync("run", "--scenario", Apex.SarahsDay, "--out", folder.Path, "--otlp", "collector:4317");

        Assert.Equal(2, exitCode);
        Assert.Contains("--otlp", output);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.zip"));
    }
}
