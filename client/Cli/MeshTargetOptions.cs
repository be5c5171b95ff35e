using System.CommandLine;
using ApexOrleans.Client.Running;
using ApexOrleans.Storage.Hosting;

namespace ApexOrleans.Client.Cli;

/// <summary>The options that name the mesh a command talks to (<c>--silo</c>, <c>--storage</c>, <c>--database</c>, <c>--keys</c>, and for run <c>--cluster</c>), read into a <see cref="MeshTarget"/>.</summary>
internal sealed class MeshTargetOptions
{
    private static readonly MeshTarget Defaults = new();

    private readonly Option<string> _silo = new("--silo")
    {
        Description = $"'{MeshTarget.EmbeddedSilo}' (an in-process silo), a silo URL, or silos of one cluster as URL,URL,… (the session moves to another when the one in use goes away).",
        DefaultValueFactory = _ => Defaults.Silo,
    };

    private readonly Option<string> _storage = new("--storage")
    {
        Description = $"Where the embedded silo keeps grain state ({GrainStorageKinds.Postgres}: Orleans' ADO.NET provider; {GrainStorageKinds.PostgresBatched}: the project's group-commit provider).",
        DefaultValueFactory = _ => Defaults.Storage,
    };

    private readonly Option<string?> _database;

    private readonly Option<string?> _keys = new("--keys")
    {
        Description = "A remote silo in production mode: JSON file { \"admin\": …, \"apps\": { app: key } }. A local development silo gives its keys itself.",
    };

    private readonly Option<string?> _otlp = new("--otlp")
    {
        Description = "Send the embedded silo's spans and metrics to an OTLP collector, e.g. http://127.0.0.1:4317 (gRPC; OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf for :4318). " +
            "Default $OTEL_EXPORTER_OTLP_ENDPOINT; without either, nothing is exported (the bundle's traces.json is written either way). A silo at --silo exports with its own --Apex:Otlp.",
    };

    private readonly Option<string?>? _cluster;

    private readonly Option<string>? _clusterId;

    /// <summary>
    /// The options of a command whose embedded silo keeps SQLite in <paramref name="defaultDatabase"/> (as help shows it, e.g.
    /// <c>{out}/apex.db</c>); with <paramref name="cluster"/>, also <c>--cluster</c> and <c>--cluster-id</c>.
    /// </summary>
    public MeshTargetOptions(string defaultDatabase, bool cluster = false)
    {
        _storage.AcceptOnlyFromAmong([.. GrainStorageKinds.All]);
        _database = new("--database") { Description = $"SQLite file (default {defaultDatabase}) or PostgreSQL connection string (default $APEX_POSTGRES)." };
        if (cluster)
        {
            _cluster = new("--cluster") { Description = "Drive an Orleans cluster as a cluster client instead of --silo: its gateways, ip:port[,ip:port…] (a silo's --Apex:GatewayPort)." };
            _clusterId = new("--cluster-id") { Description = "The cluster's id (a silo's --Apex:ClusterId).", DefaultValueFactory = _ => Defaults.ClusterId };
        }
    }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        Option?[] options = [_silo, _storage, _database, _keys, _otlp, _cluster, _clusterId];
        foreach (var option in options.OfType<Option>())
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The mesh <paramref name="result"/> names; <see cref="MeshTarget.Validate"/> refuses one that names two.</summary>
    public MeshTarget Read(ParseResult result) => new()
    {
        Silo = result.GetValue(_silo)!,
        Storage = result.GetValue(_storage)!,
        Database = result.GetValue(_database),
        KeysFile = result.GetValue(_keys),
        Otlp = result.GetValue(_otlp),
        Cluster = _cluster is null ? null : result.GetValue(_cluster),
        ClusterId = _clusterId is null ? Defaults.ClusterId : result.GetValue(_clusterId)!,
    };
}
