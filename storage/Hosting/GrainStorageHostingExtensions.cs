using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace ApexOrleans.Storage.Hosting;

/// <summary>Adds this project's grain storage providers to an Orleans silo.</summary>
public static class GrainStorageHostingExtensions
{
    /// <summary>
    /// Adds the provider <paramref name="choice"/> describes as the keyed <see cref="IGrainStorage"/> <paramref name="name"/>
    /// (the default name serves every <c>[PersistentState]</c> that names no storage), wrapped by every registered
    /// <see cref="IGrainStorageDecorator"/> in registration order, and disposed when the silo stops.
    /// </summary>
    public static ISiloBuilder AddMeshGrainStorage(this ISiloBuilder builder, GrainStorageChoice choice, string name = GrainStorageNames.Default)
    {
        builder.Services.AddMeshGrainStorage(choice, name);
        return builder;
    }

    /// <inheritdoc cref="AddMeshGrainStorage(ISiloBuilder, GrainStorageChoice, string)"/>
    public static IServiceCollection AddMeshGrainStorage(this IServiceCollection services, GrainStorageChoice choice, string name = GrainStorageNames.Default)
    {
        ArgumentNullException.ThrowIfNull(choice);
        services.AddKeyedSingleton(name, (provider, _) => new GrainStorageLifetime(name, choice.CreateStorage(provider, name,
            choice.Serializer ?? provider.GetKeyedService<IGrainStorageSerializer>(name) ?? new WebJsonGrainStorageSerializer())));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredKeyedService<GrainStorageLifetime>(name));
        services.AddGrainStorage(name, (provider, key) => provider.GetServices<IGrainStorageDecorator>()
            .Aggregate(provider.GetRequiredKeyedService<GrainStorageLifetime>(key).Storage, (storage, decorator) => decorator.Decorate(storage)));
        return services;
    }
}
