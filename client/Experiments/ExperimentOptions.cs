using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Catalog;
namespace ApexOrleans.Client.Experiments;

/// <summary>What <c>apex experiment run</c> was asked: the experiment file, the mesh, and where records go.</summary>
public sealed record ExperimentOptions
{
    /// <summary>The experiment file.</summary>
    public required string ExperimentPath { get; init; }

    /// <summary>The mesh to experiment on: by default a silo in this process on SQLite in <see cref="DatabaseFile"/> under <see cref="RecordsFolder"/>.</summary>
    public MeshTarget Mesh { get; init; } = new();

    /// <summary>Where journals are stored.</summary>
    public string RecordsFolder { get; init; } = ExperimentRecords.DefaultFolder;

    /// <summary>The app catalog.</summary>
    public string CatalogPath { get; init; } = AppCatalog.DefaultPath;

    /// <summary>How often the live probes are sampled.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How far back rates (error rates) look on each sample.</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The embedded silo's SQLite file in <see cref="RecordsFolder"/>, unless the mesh names a database.</summary>
    public const string DatabaseFile = "apex-experiments.db";
}
