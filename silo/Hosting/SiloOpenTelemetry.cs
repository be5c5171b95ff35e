using ApexOrleans.Grains.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ApexOrleans.Silo.Hosting;

/// <summary>
/// A silo's OpenTelemetry: the mesh's and Orleans' (<see cref="MeshOpenTelemetry"/>), ASP.NET Core's meters beside them,
/// all scraped at <c>/metrics</c> by OpenTelemetry's Prometheus exporter; over OTLP too when a collector is named, with
/// the HTTP requests' spans.
/// </summary>
public static class SiloOpenTelemetry
{
    /// <summary>Adds it; <paramref name="collector"/> null leaves OTLP off.</summary>
    public static IServiceCollection AddSiloOpenTelemetry(this IServiceCollection services, Uri? collector)
    {
        var builder = services.AddMeshOpenTelemetry("apex-silo", collector)
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddPrometheusExporter());
        if (collector is not null)
        {
            // An HTTP request's span is on the wall clock and in the caller's trace; an event's publish is in its own (docs/observability.md).
            builder.WithTracing(t => t.AddAspNetCoreInstrumentation());
        }

        return services;
    }
}
