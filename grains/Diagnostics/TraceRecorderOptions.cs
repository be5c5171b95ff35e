namespace ApexOrleans.Grains.Diagnostics;

/// <summary>What a silo keeps of its tenants' spans in memory, for bundles and the dashboard (section <c>Apex:Traces</c>).</summary>
public sealed class TraceRecorderOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Apex:Traces";

    /// <summary>Whether the silo keeps spans at all (exporters get them either way).</summary>
    public bool Keep { get; set; } = true;

    /// <summary>Spans kept of one tenant; later ones of that tenant are not kept (a day of the story makes a few hundred).</summary>
    public int MaxSpansPerTenant { get; set; } = 10_000;

    /// <summary>Spans kept across tenants; past it, the tenant written to longest ago is forgotten first.</summary>
    public int MaxSpans { get; set; } = 100_000;
}
