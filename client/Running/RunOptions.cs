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

    /// <summary>The mesh to run against: by default a silo in this process on SQLite in <see cref="DatabaseFile"/> under <see cref="OutputDirectory"/>.</summary>
    public MeshTarget Mesh { get; init; } = new();

    /// <summary>Virtual or real clock.</summary>
    public RunClock Clock { get; init; } = RunClock.Virtual;

    /// <summary>Real clock: wall seconds per scenario second.</summary>
    public double TimeScale { get; init; } = 1.0;

    /// <summary>Where bundles (and the default SQLite file) go.</summary>
    public string OutputDirectory { get; init; } = "evidence";

    /// <summary>The app catalog.</summary>
    public string CatalogPath { get; init; } = AppCatalog.DefaultPath;

    /// <summary>Apps served over HTTP instead of by the mesh's grains (embedded silo only), and the secret that signs their deliveries.</summary>
    public RemoteAppsChoice Remote { get; init; } = new();

    /// <summary>A secret key file: the bundle is signed with it (<see cref="Evidence.BundleSignature"/>); null for no signature.</summary>
    public string? SignKeyPath { get; init; }

    /// <summary>The embedded silo's SQLite file in <see cref="OutputDirectory"/>, unless the mesh names a database.</summary>
    public const string DatabaseFile = "apex.db";
}
