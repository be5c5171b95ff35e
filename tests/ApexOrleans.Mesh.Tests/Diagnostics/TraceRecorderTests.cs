using System.Diagnostics;
using ApexOrleans.Grains.Diagnostics;
using Microsoft.Extensions.Options;

namespace ApexOrleans.Mesh.Tests.Diagnostics;

/// <summary>A silo's spans kept per tenant, bounded, and honest about what the bounds dropped.</summary>
public sealed class TraceRecorderTests
{
    [Fact]
    public void ATenantPastItsCapIsReadAsIncompleteAndAnotherStaysComplete()
    {
        using var recorder = new TraceRecorder(Options.Create(new TraceRecorderOptions { MaxSpansPerTenant = 2 }));
        var (busy, quiet) = ($"busy-{Guid.NewGuid():N}", $"quiet-{Guid.NewGuid():N}");
        var at = new DateTimeOffset(2026, 1, 3, 9, 0, 0, TimeSpan.Zero);

        for (var i = 0; i < 3; i++)
        {
            MeshTracing.End(MeshTracing.Start($"span {i}", ActivityKind.Internal, busy, null, at.AddSeconds(i)), at.AddSeconds(i));
        }

        var root = MeshTracing.Start("root", ActivityKind.Producer, quiet, null, at);
        MeshTracing.End(MeshTracing.Start("child", ActivityKind.Internal, quiet, MeshTracing.ParentOf(root), at.AddSeconds(1)), at.AddSeconds(2));
        MeshTracing.End(root, at.AddSeconds(3));

        var kept = recorder.Spans(busy);
        Assert.Equal(2, kept.Spans.Count);
        Assert.False(kept.Complete);
        var whole = recorder.Spans(quiet);
        Assert.True(whole.Complete);
        Assert.Equal(["child", "root"], whole.Spans.Select(s => s.Name));
        Assert.Equal(whole.Spans[1].SpanId, whole.Spans[0].ParentSpanId);
        Assert.Equal((at.AddSeconds(1), at.AddSeconds(2)), (whole.Spans[0].Start, whole.Spans[0].End)); // the run's clock, not the wall's
        Assert.True(recorder.Spans($"never-{Guid.NewGuid():N}").Complete);
    }
}
