namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>
/// One finished span of the mesh, as OTLP has it: ids in lower-case hex, times on the run's clock, typed attributes,
/// events and status. What a silo keeps of a tenant's traces, and what the bundle's <c>traces.json</c> holds.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TraceSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    SpanKindCode Kind,
    DateTimeOffset Start,
    DateTimeOffset End,
    SpanStatusCode Status,
    string? StatusMessage,
    IReadOnlyList<SpanAttribute> Attributes,
    IReadOnlyList<SpanEvent> Events)
{
    /// <summary>The string value of attribute <paramref name="key"/>, or null.</summary>
    public string? Text(string key) => Attributes.FirstOrDefault(a => a.Key == key)?.String;

    /// <summary>The integer value of attribute <paramref name="key"/>, or null.</summary>
    public long? Number(string key) => Attributes.FirstOrDefault(a => a.Key == key)?.Int;

    /// <summary>The boolean value of attribute <paramref name="key"/>, or null.</summary>
    public bool? Flag(string key) => Attributes.FirstOrDefault(a => a.Key == key)?.Bool;
}

/// <summary>An attribute with one typed value (OTLP's AnyValue: string, int, bool or double).</summary>
[GenerateSerializer, Immutable]
public sealed record SpanAttribute(
    string Key,
    string? String = null,
    long? Int = null,
    bool? Bool = null,
    double? Double = null);

/// <summary>Something that happened at one moment of a span (an injected fault, a circuit transition, a refusal).</summary>
[GenerateSerializer, Immutable]
public sealed record SpanEvent(string Name, DateTimeOffset At, IReadOnlyList<SpanAttribute> Attributes);

/// <summary>OTLP's span kinds, by their numbers.</summary>
public enum SpanKindCode
{
    /// <summary>Not said.</summary>
    Unspecified = 0,

    /// <summary>Work inside one component.</summary>
    Internal = 1,

    /// <summary>The receiving side of a request.</summary>
    Server = 2,

    /// <summary>The sending side of a request.</summary>
    Client = 3,

    /// <summary>Sends a message.</summary>
    Producer = 4,

    /// <summary>Takes a message in.</summary>
    Consumer = 5,
}

/// <summary>OTLP's status codes, by their numbers.</summary>
public enum SpanStatusCode
{
    /// <summary>Not set.</summary>
    Unset = 0,

    /// <summary>It went as it should.</summary>
    Ok = 1,

    /// <summary>It failed.</summary>
    Error = 2,
}
