using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ApexOrleans.TestSupport;

/// <summary>
/// An OTLP collector on loopback, as far as a test needs one: it takes OTLP/gRPC exports (HTTP/2 without TLS), answers
/// each as a collector does, and keeps what came by its gRPC method (traces, metrics). Protobuf keeps strings as their
/// UTF-8 bytes, so a test finds span and meter names in a request's body without decoding it.
/// </summary>
public sealed class TestOtlpCollector : IAsyncDisposable
{
    /// <summary>The gRPC method of a trace export.</summary>
    public const string TraceExport = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    /// <summary>The gRPC method of a metrics export.</summary>
    public const string MetricsExport = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    private LoopbackApp _app = null!;

    private TestOtlpCollector()
    {
    }

    /// <summary>Its URL, to give as the OTLP endpoint.</summary>
    public string Url => _app.Url;

    /// <summary>Every export's body (gRPC framed, uncompressed), by its method path.</summary>
    public ConcurrentQueue<(string Method, byte[] Body)> Exports { get; } = new();

    /// <summary>What the exports of <paramref name="method"/> hold, as Latin-1 text (so every byte stays one character).</summary>
    public string Text(string method) => string.Concat(Exports.Where(e => e.Method == method).Select(e => Encoding.Latin1.GetString(e.Body)));

    /// <summary>Starts the collector on a free loopback port.</summary>
    public static async Task<TestOtlpCollector> StartAsync()
    {
        var collector = new TestOtlpCollector();
        collector._app = await LoopbackApp.StartAsync(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            collector.Exports.Enqueue((context.Request.Path.Value ?? "", body.ToArray()));
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(new byte[5]); // one empty message: an export answered in full
            context.Response.AppendTrailer("grpc-status", "0");
        }, HttpProtocols.Http2);
        return collector;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
