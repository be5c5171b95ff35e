using ApexOrleans.Client.Running;
using ApexOrleans.Contracts.Catalog;
namespace ApexOrleans.Client.Load;

/// <summary>What <c>apex load</c> was asked to do.</summary>
public sealed record LoadOptions
{
    /// <summary>The scenario every tenant replays.</summary>
    public required string ScenarioPath { get; init; }

    /// <summary>How many tenants replay the day (each once, as its own tenant); with <see cref="Duration"/> only, as many as fit.</summary>
    public int? Tenants { get; init; }

    /// <summary>How many tenants' days are in flight at once.</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>Stop starting new tenants after this long (days already started finish).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The first tenant's seed; tenant i uses seed + i, so every tenant sees different chaos.</summary>
    public long? Seed { get; init; }

    /// <summary>The mesh to load: by default a silo in this process on SQLite in <see cref="DatabaseFile"/> under <see cref="OutputDirectory"/>.</summary>
    public MeshTarget Mesh { get; init; } = new();

    /// <summary>Embedded silo: how long an activation may stay idle before it is collected.</summary>
    public TimeSpan CollectionAge { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the load bundle goes.</summary>
    public string OutputDirectory { get; init; } = "evidence";

    /// <summary>The app catalog.</summary>
    public string CatalogPath { get; init; } = AppCatalog.DefaultPath;

    /// <summary>The tenant count when neither <see cref="Tenants"/> nor <see cref="Duration"/> is given.</summary>
    public const int DefaultTenants = 100;

    /// <summary>The embedded silo's SQLite file in <see cref="OutputDirectory"/>, unless the mesh names a database.</summary>
    public const string DatabaseFile = "apex-load.db";

    /// <summary>Refuses options that cannot run, before anything starts.</summary>
    public void Validate()
    {
        if (Tenants is < 1)
        {
            throw new BadInputException("--tenants must be at least 1.");
        }

        if (Concurrency < 1)
        {
            throw new BadInputException("--concurrency must be at least 1.");
        }

        if (Duration is { } d && d <= TimeSpan.Zero)
        {
            throw new BadInputException("--duration must be longer than 0.");
        }

        if (CollectionAge <= TimeSpan.Zero)
        {
            throw new BadInputException("--collection-age must be longer than 0.");
        }
    }
}
