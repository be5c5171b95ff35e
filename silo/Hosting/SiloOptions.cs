using ApexOrleans.Storage.Hosting;

namespace ApexOrleans.Silo.Hosting;

/// <summary>The silo's settings (configuration section <c>Apex</c>, or <c>--Apex:Name value</c>, or <c>APEX__NAME</c>).</summary>
public sealed class SiloOptions
{
    /// <summary>The address the silo listens on when no <c>--urls</c> is given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>development (generated keys, a loopback-only key endpoint) or production (keys required).</summary>
    public string Mode { get; set; } = "development";

    /// <summary>sqlite, postgres (Orleans' ADO.NET provider), postgres-batched (the project's group-commit provider) or memory.</summary>
    public string Storage { get; set; } = GrainStorageKinds.Sqlite;

    /// <summary>SQLite file, or PostgreSQL connection string (default: APEX_POSTGRES).</summary>
    public string? Database { get; set; }

    /// <summary>An OTLP collector to send spans and metrics to (default: OTEL_EXPORTER_OTLP_ENDPOINT; none, off).</summary>
    public string? Otlp { get; set; }

    /// <summary>How silos find each other: localhost (this silo alone, the default) or postgres (a membership table in the PostgreSQL of <see cref="Database"/> or APEX_POSTGRES).</summary>
    public string Cluster { get; set; } = "localhost";

    /// <summary>The port silos of the cluster talk to this one on (0: any free port).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port cluster clients connect to (0: any free port).</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// With postgres clustering, the address other silos and clients reach this one on: an IP address or a host name
    /// resolved when the silo starts (a container's own service name). Default: 127.0.0.1, silos on one machine.
    /// </summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>With localhost clustering, the silo port of the silo to join on this machine (0: this silo starts its own cluster).</summary>
    public int PrimarySiloPort { get; set; }

    /// <summary>The cluster this silo joins; silos with one id on one machine form one cluster.</summary>
    public string ClusterId { get; set; } = "apex";

    /// <summary>
    /// Mounts Orleans' own dashboard (silos, activations, grain calls) at <c>/orleans/</c>, beside the mesh's. Off by
    /// default: it profiles every grain call. It has no keys of its own, so it answers only requests from this machine.
    /// </summary>
    public bool OrleansDashboard { get; set; }

    /// <summary>The app catalog file.</summary>
    public string? Apps { get; set; }

    /// <summary>Largest accepted request body for a publish.</summary>
    public int MaxEventBytes { get; set; } = 64 * 1024;

    /// <summary>Largest accepted request body anywhere else (runs, faults, experiments, scorecards): the edge reads a body before an endpoint checks its key.</summary>
    public int MaxAdminBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Whether the silo runs in production mode.</summary>
    public bool IsProduction => string.Equals(Mode, "production", StringComparison.OrdinalIgnoreCase);
}
