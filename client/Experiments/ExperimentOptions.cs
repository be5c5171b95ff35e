using ApexOrleans.Contracts.Catalog;
namespace ApexOrleans.Client.Experiments;

/// <summary>What <c>apex experiment run</c> was asked: the experiment file, the silo and its storage, and where records go.</summary>
public sealed record ExperimentOptions
{
    /// <summary>The experiment file.</summary>
    public required string ExperimentPath { get; init; }

    /// <summary>"embedded" or a silo URL.</summary>
    public string Silo { get; init; } = "embedded";

    /// <summary>The embedded silo's storage: sqlite, postgres or memory.</summary>
    public string Storage { get; init; } = "sqlite";

    /// <summary>SQLite file or PostgreSQL connection string.</summary>
    public string? Database { get; init; }

    /// <summary>Where journals are stored.</summary>
    public string RecordsFolder { get; init; } = ExperimentRecords.DefaultFolder;

    /// <summary>The app catalog.</summary>
    public string CatalogPath { get; init; } = AppCatalog.DefaultPath;

    /// <summary>A remote silo's keys file.</summary>
    public string? KeysFile { get; init; }

    /// <summary>How often the live probes are sampled.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How far back rates (error rates) look on each sample.</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromSeconds(2);
}
