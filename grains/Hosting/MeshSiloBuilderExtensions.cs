using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Delivery;
using ApexOrleans.Grains.Reactions;
using ApexOrleans.Grains.Tenancy;
using ApexOrleans.Grains.Chaos;
using ApexOrleans.Runtime.Hosting;
using ApexOrleans.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ApexOrleans.Grains.Hosting;

/// <summary>Adds the mesh (its grains, app catalog, reactions, tenants and gateway) to a silo.</summary>
public static class MeshSiloBuilderExtensions
{
    /// <summary>Hosts the mesh; the app catalog is loaded and checked when the silo's services are built.</summary>
    public static ISiloBuilder AddMesh(this ISiloBuilder builder, Action<MeshOptions>? configure = null)
    {
        builder.AddGrains(typeof(MeshSiloBuilderExtensions).Assembly);
        var services = builder.Services;
        services.AddOptions<MeshOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.Replace(ServiceDescriptor.Singleton(MeshStateJson.Serializer()));
        services.AddSingleton(sp => AppCatalog.Load(sp.GetRequiredService<IOptions<MeshOptions>>().Value.CatalogPath));
        services.AddSingleton(sp => new ReactionCatalog(sp.GetRequiredService<AppCatalog>(), ReactionCatalog.BuiltIn));
        services.AddSingleton<MeshTenants>();
        services.AddSingleton<MeshTelemetry>();
        services.AddSingleton<FaultSwitchboard>();
        services.AddSingleton<IGrainStorageFilter, StorageChaosFilter>();
        services.AddSingleton<MeshStatsReader>();
        services.AddSingleton<SiloIncarnation>();
        services.AddSingleton(_ => new CrashPoints(Environment.GetEnvironmentVariable(CrashPoints.Variable)));
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<AttemptTimeouts>();
        services.AddSingleton<MeshGateway>();
        services.AddSingleton<TenantStateReader>();
        services.AddHostedService<MeshStartupCheck>();
        return builder;
    }
}
