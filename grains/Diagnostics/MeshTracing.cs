using System.Diagnostics;

namespace ApexOrleans.Grains.Diagnostics;

/// <summary>
/// The mesh's spans (activity source <see cref="SourceName"/>): one trace per published event, its spans on the run's
/// clock. A span's parent is always named (a W3C traceparent carried by the event, the delivery or the call), never
/// taken from whatever runs around it: an HTTP request or an Orleans call is on the wall clock and is not the event's.
/// </summary>
public static class MeshTracing
{
    /// <summary>The activity source's name, for exporters and listeners.</summary>
    public const string SourceName = "ApexOrleans.Mesh";

    /// <summary>The key under which an attempt passes its span to the app it calls (Orleans' request context).</summary>
    public const string CallerKey = "apex.traceparent";

    /// <summary>The activity source.</summary>
    public static readonly ActivitySource Source = new(SourceName, "1.0");

    /// <summary>
    /// Starts a span at <paramref name="at"/> (the run's clock) as a child of <paramref name="parent"/>, or as the root
    /// of a new trace when it is null or not a traceparent; null when nothing listens.
    /// </summary>
    public static Activity? Start(string name, ActivityKind kind, string tenant, string? parent, DateTimeOffset at, string? traceState = null)
    {
        ActivityContext.TryParse(parent, traceState, isRemote: true, out var context);
        var around = Activity.Current;
        Activity.Current = null; // the named parent or none: never the ambient one
        try
        {
            var activity = Source.StartActivity(name, kind, context, [new(SpanNames.Tenant, tenant)], startTime: at);
            return activity;
        }
        finally
        {
            Activity.Current = around;
        }
    }

    /// <summary>Ends <paramref name="span"/> at <paramref name="at"/> (the run's clock; a span the clock did not move keeps a length of one tick).</summary>
    public static void End(Activity? span, DateTimeOffset at)
    {
        if (span is null)
        {
            return;
        }

        var end = at.UtcDateTime > span.StartTimeUtc ? at.UtcDateTime : span.StartTimeUtc.AddTicks(1);
        span.SetEndTime(end); // so that Stop keeps it rather than reading the wall clock
        var around = Activity.Current;
        span.Stop();
        Activity.Current = around;
    }

    /// <summary>Drops <paramref name="span"/>: nothing records or exports it.</summary>
    public static void Drop(Activity? span)
    {
        if (span is null)
        {
            return;
        }

        span.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        span.IsAllDataRequested = false;
        var around = Activity.Current;
        span.Stop();
        Activity.Current = around;
    }

    /// <summary>The span's W3C traceparent, for the next hop to continue; null for no span.</summary>
    public static string? ParentOf(Activity? span) => span?.Id;

    /// <summary>Adds a span event at <paramref name="at"/> (the run's clock).</summary>
    public static void Event(Activity? span, string name, DateTimeOffset at, params (string Key, object? Value)[] attributes)
    {
        if (span is null)
        {
            return;
        }

        var tags = new ActivityTagsCollection();
        foreach (var (key, value) in attributes)
        {
            if (value is not null)
            {
                tags[key] = value;
            }
        }

        span.AddEvent(new ActivityEvent(name, at, tags));
    }
}
