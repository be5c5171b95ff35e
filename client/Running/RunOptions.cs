using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Tenancy;

namespace ApexOrleans.Client.Running;

/// <summary>What <c>apex run</c> was asked to do.</summary>
public sealed record RunOptions
{
    /// <summary>The scenario file.</summary>
    public required string ScenarioPath { get; init; }

    /// <summary>Overrides the scenario's seed.</summary>
    public long? Seed { get; init; }

    /// <summary>"embedded", or a silo URL.</summary>
    public string Silo { get; init; } = "embedded";

    /// <summary>An Orleans cluster to drive as a cluster client instead: its gateways (<c>ip:port</c>, comma-separated), or null.</summary>
    public string? Cluster { get; init; }

    /// <summary>The cluster id of <see cref="Cluster"/>.</summary>
    public string ClusterId { get; init; } = "apex";

    /// <summary>memory, sqlite or postgres.</summary>
    public string Storage { get; init; } = "sqlite";

    /// <summary>SQLite file or PostgreSQL connection string; defaults: {out}/apex.db, or APEX_POSTGRES.</summary>
    public string? Database { get; init; }

    /// <summary>Virtual or real clock.</summary>
    public RunClock Clock { get; init; } = RunClock.Virtual;

    /// <summary>Real clock: wall seconds per scenario second.</summary>
    public double TimeScale { get; init; } = 1.0;

    /// <summary>Where bundles (and the default SQLite file) go.</summary>
    public string OutputDirectory { get; init; } = "evidence";

    /// <summary>Remote silo in production mode: a JSON file with its admin and app keys.</summary>
    public string? KeysFile { get; init; }

    /// <summary>The app catalog.</summary>
    public string CatalogPath { get; init; } = AppCatalog.DefaultPath;
}
