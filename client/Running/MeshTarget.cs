using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Storage.Hosting;

namespace ApexOrleans.Client.Running;

/// <summary>Which mesh a command talks to: a silo in this process on its storage, silos over HTTP, or an Orleans cluster as its client.</summary>
public sealed record MeshTarget
{
    /// <summary>The <see cref="Silo"/> that means a silo in this process.</summary>
    public const string EmbeddedSilo = "embedded";

    /// <summary><see cref="EmbeddedSilo"/>, a silo URL, or silos of one cluster as <c>URL,URL,…</c>.</summary>
    public string Silo { get; init; } = EmbeddedSilo;

    /// <summary>Where the embedded silo keeps grain state: one of <see cref="GrainStorageKinds"/>.</summary>
    public string Storage { get; init; } = GrainStorageKinds.Sqlite;

    /// <summary>The embedded silo's SQLite file or PostgreSQL connection string; null: the command's own SQLite file, or APEX_POSTGRES.</summary>
    public string? Database { get; init; }

    /// <summary>A remote silo in production mode: a JSON file with its admin and app keys.</summary>
    public string? KeysFile { get; init; }

    /// <summary>An Orleans cluster to drive as a cluster client instead of <see cref="Silo"/>: its gateways (<c>ip:port</c>, comma-separated), or null.</summary>
    public string? Cluster { get; init; }

    /// <summary>The cluster id of <see cref="Cluster"/>.</summary>
    public string ClusterId { get; init; } = "apex";

    /// <summary>The OTLP collector the embedded silo sends its spans and metrics to (else $OTEL_EXPORTER_OTLP_ENDPOINT; else none).</summary>
    public string? Otlp { get; init; }

    /// <summary>Whether the mesh is a silo this process starts: no silo URL and no cluster given.</summary>
    public bool IsEmbedded => Cluster is null && !NamesSilo;

    /// <summary>The mesh as progress lines name it: <c>embedded, sqlite</c>, the silo URL(s), or the cluster.</summary>
    public string Description =>
        Cluster is { } gateways ? $"cluster {ClusterId} via {gateways}" : IsEmbedded ? $"{EmbeddedSilo}, {Storage}" : Silo;

    private bool NamesSilo => Silo != EmbeddedSilo;

    /// <summary>Refuses (<see cref="BadInputException"/>) a target that names both a silo and a cluster, or a cluster's gateways that do not parse.</summary>
    public void Validate()
    {
        if (Otlp is { Length: > 0 } && !IsEmbedded)
        {
            throw new BadInputException("--otlp exports the embedded silo's telemetry; a silo at --silo or a cluster exports its own (--Apex:Otlp, or OTEL_EXPORTER_OTLP_ENDPOINT where it runs).");
        }

        try
        {
            _ = OtlpEndpoint.Resolve(Otlp);
        }
        catch (ArgumentException e)
        {
            throw new BadInputException($"--otlp: {e.Message}");
        }

        if (Cluster is null)
        {
            return;
        }

        if (NamesSilo)
        {
            throw new BadInputException("--cluster and --silo both name the mesh to drive: give one.");
        }

        try
        {
            ClusterMeshSession.ParseGateways(Cluster);
        }
        catch (ArgumentException e)
        {
            throw new BadInputException(e.Message);
        }
    }

    /// <summary>
    /// Checks <see cref="Database"/> before any work starts: an embedded silo's SQLite file must lie in a folder that can be
    /// written (<see cref="EnvironmentFailureException"/>); a PostgreSQL connection string must at least parse
    /// (<see cref="BadInputException"/>), so a typo is refused before the control day starts.
    /// </summary>
    public void CheckDatabase()
    {
        if (IsEmbedded && Storage == GrainStorageKinds.Sqlite && Database is { Length: > 0 })
        {
            OutputFolder.CheckWritable(Path.GetDirectoryName(Path.GetFullPath(Database))!, "--database");
        }

        if (GrainStorageKinds.IsPostgres(Storage) && Database is { Length: > 0 })
        {
            try
            {
                _ = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = Database };
            }
            catch (ArgumentException e)
            {
                throw new BadInputException($"--database: not a connection string such as \"Host=127.0.0.1;Username=postgres\" ({e.Message}); nothing was run");
            }
        }
    }

    /// <summary>
    /// Opens a session on the mesh: starts the embedded silo on <see cref="Storage"/> (SQLite in <paramref name="defaultSqliteFile"/>
    /// unless <see cref="Database"/> says otherwise; <paramref name="configureEmbedded"/> may tune it), connects to the silo(s)
    /// over HTTP, waiting for silos that go away on <paramref name="clock"/>, or joins the cluster as its client.
    /// </summary>
    public async Task<IMeshSession> OpenAsync(string catalogPath, string defaultSqliteFile, TimeProvider clock, CancellationToken cancellationToken,
        Action<ISiloBuilder>? configureEmbedded = null) => this switch
    {
        { Cluster: { } gateways } => await ClusterMeshSession.ConnectAsync(gateways, ClusterId, catalogPath, cancellationToken),
        { IsEmbedded: true } => await EmbeddedMeshSession.StartAsync(
            GrainStorageChoice.Named(Storage, Database, defaultSqliteFile), catalogPath, cancellationToken, configureEmbedded, OtlpEndpoint.Resolve(Otlp)),
        _ => await HttpMeshSession.ConnectAsync(Silo, KeysFile, new SiloRetryOptions(), clock, cancellationToken),
    };
}
