namespace ApexOrleans.Contracts.Diagnostics;

/// <summary>The spans the silos kept of one tenant's traces, ordered by start; <see cref="Complete"/> is false when a silo did not answer.</summary>
[GenerateSerializer, Immutable]
public sealed record TenantTraces(IReadOnlyList<TraceSpan> Spans, bool Complete)
{
    /// <summary>The spans as OTLP JSON, the tenant and whether every silo answered as resource attributes.</summary>
    public string ToOtlpJson(string tenant, bool indented = false) =>
        OtlpJson.Write(Spans, "apex-mesh", [new SpanAttribute("apex.tenant", tenant), new SpanAttribute(OtlpJson.CompleteAttribute, Bool: Complete)], indented);

    /// <summary>Reads what <see cref="ToOtlpJson"/> wrote (or any OTLP JSON: complete unless it says otherwise).</summary>
    public static TenantTraces FromOtlpJson(string json)
    {
        var (spans, resource) = OtlpJson.Read(json);
        return new TenantTraces(spans, resource.FirstOrDefault(a => a.Key == OtlpJson.CompleteAttribute)?.Bool ?? true);
    }
}
