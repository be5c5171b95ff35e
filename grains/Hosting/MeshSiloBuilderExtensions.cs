using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Grains.Cluster;
using ApexOrleans.Grains.Deliveries;
using ApexOrleans.Grains.Diagnostics;
using ApexOrleans.Grains.Idempotency;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Grains.Placement;
using ApexOrleans.Contracts.Books;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using ApexOrleans.Grains.Publishing;
using ApexOrleans.Grains.Remote;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Cluster;
using ApexOrleans.Contracts.Diagnostics;
using ApexOrleans.Contracts.Publishing;

namespace ApexOrleans.Grains.Hosting;

/// <summary>Adds the mesh (its app catalog, reactions, tenants and gateway) to an Orleans silo.</summary>
public static class MeshSiloBuilderExtensions
{
    /// <summary>The grain directory cache's size in a mesh silo (Orleans' default is 1,000,000); configure <see cref="GrainDirectoryOptions"/> after <see cref="AddMesh"/> to change it.</summary>
    public const int DirectoryCacheSize = 50_000;

    /// <summary>Hosts the mesh; the app catalog is loaded and checked when the silo starts.</summary>
    public static ISiloBuilder AddMesh(this ISiloBuilder builder, Action<MeshOptions>? configure = null)
    {
        var services = builder.Services;
        services.AddOptions<MeshOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddMeshSerialization();
        // Orleans caches the address of every grain a silo called, up to a million. A mesh calls a new key grain per event,
        // so that cache alone held a few hundred bytes per key ever used; a tenant's grains live together, and a smaller
        // cache of the recent ones serves them as well.
        services.Configure<GrainDirectoryOptions>(o => o.CacheSize = DirectoryCacheSize);
        builder.AddPlacementDirector<TenantPlacement, TenantPlacementDirector>();
        builder.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();
        // The mesh's states are stored with generated JSON code: same text as reflection, without its cost.
        services.AddKeyedSingleton<IGrainStorageSerializer>(GrainStorageNames.Default, new WebJsonGrainStorageSerializer(MeshStateJson.StateOptions()));
        services.AddSingleton<IGrainStorageDecorator, StorageChaosFilter>();
        services.AddSingleton(sp => AppCatalog.Load(sp.GetRequiredService<IOptions<MeshOptions>>().Value.CatalogPath));
        services.AddSingleton(sp => new ReactionCatalog(sp.GetRequiredService<AppCatalog>(), ReactionCatalog.BuiltIn));
        services.AddSingleton<MeshTenants>();
        services.AddSingleton<MeshTelemetry>();
        services.AddOptions<TraceRecorderOptions>();
        services.AddSingleton<TraceRecorder>();
        services.AddSingleton<FaultSwitchboard>();
        services.AddOptions<MeshClusterOptions>();
        services.AddOptions<StateJournalOptions>().Validate(o => { o.Validate(); return true; });
        services.AddSingleton<ClusterView>();
        services.AddSingleton<IClusterView>(sp => sp.GetRequiredService<ClusterView>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, FaultSetSync>();
        services.AddSingleton<MeshStatsReader>();
        services.AddSingleton<ISiloActivity, SiloActivity>();
        services.AddSingleton(sp => GatewayIncarnation.OfSilo(sp.GetRequiredService<ILocalSiloDetails>().SiloAddress));
        services.AddSingleton<ClaimHolders>();
        services.AddSingleton(_ => new CrashPoints(Environment.GetEnvironmentVariable(CrashPoints.Variable)));
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<AttemptTimeouts>();
        services.AddOptions<RemoteAppOptions>();
        services.AddSingleton<RemoteApps>();
        services.AddSingleton(sp => new WebhookSender(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<RemoteAttempt>();
        services.AddSingleton<MeshGateway>();
        services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<MeshGateway>());
        services.AddSingleton<TenantStateReader>();
        services.AddHostedService<MeshStartupCheck>();
        return builder;
    }

    /// <summary>
    /// What every silo and client of the mesh needs to exchange its messages: JSON payloads (<c>JsonElement</c>) copied
    /// and serialized by Orleans' System.Text.Json support, the mesh's own exceptions kept as themselves, and grain
    /// references made without reflection (<see cref="GrainInterfaceTypeCache"/>).
    /// </summary>
    public static IServiceCollection AddMeshSerialization(this IServiceCollection services)
    {
        GrainInterfaceTypeCache.AddTo(services);
        // isSupported false: only the types Orleans' JSON codec handles natively (JsonElement, JsonNode); every mesh type has generated code.
        services.AddSerializer(serializer => serializer.AddJsonSerializer(isSupported: _ => false));
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("ApexOrleans"));
        return services;
    }
}
