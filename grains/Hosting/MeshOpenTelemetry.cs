using ApexOrleans.Grains.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ApexOrleans.Grains.Hosting;

/// <summary>
/// OpenTelemetry for a host of the mesh: the mesh's spans (<see cref="MeshTracing.SourceName"/>), its meter and Orleans'
/// own, sent over OTLP when a collector is given (<see cref="Contracts.Diagnostics.OtlpEndpoint"/>).
/// </summary>
public static class MeshOpenTelemetry
{
    /// <summary>Orleans' meter: activations, messaging, storage, directory.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>The standard variable choosing OTLP's protocol: grpc (the default) or http/protobuf.</summary>
    public const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>The bucket bounds of <c>apex.delivery.latency</c> (ms): the mesh's deliveries take well under a millisecond to seconds.</summary>
    public static readonly double[] LatencyBuckets = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000];

    /// <summary>
    /// Adds OpenTelemetry to <paramref name="services"/> as <paramref name="service"/>: the mesh's spans and meters and
    /// Orleans', exported over OTLP to <paramref name="collector"/> when it is not null. The caller adds its own exporters and
    /// instrumentation (a silo: Prometheus and ASP.NET Core) to the builder returned.
    /// </summary>
    public static IOpenTelemetryBuilder AddMeshOpenTelemetry(this IServiceCollection services, string service, Uri? collector)
    {
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(service))
            .WithTracing(t => t.AddSource(MeshTracing.SourceName))
            .WithMetrics(m => m
                .AddMeter(MeshTelemetry.MeterName, OrleansMeter)
                .AddView("apex.delivery.latency", new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets }));
        if (collector is not null)
        {
            var protocol = Environment.GetEnvironmentVariable(ProtocolVariable) is "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            builder.UseOtlpExporter(protocol, collector);
        }

        return builder;
    }
}
