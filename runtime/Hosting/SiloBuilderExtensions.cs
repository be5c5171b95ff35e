using System.Reflection;
using ApexOrleans.Runtime.Activation;
using ApexOrleans.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Runtime.Hosting;

/// <summary>Adds grains and storage providers to a silo.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>Hosts every concrete grain class in <paramref name="assembly"/>.</summary>
    public static ISiloBuilder AddGrains(this ISiloBuilder builder, Assembly assembly)
    {
        var classes = assembly.GetTypes().Where(t => typeof(Grain).IsAssignableFrom(t) && !t.IsAbstract && !t.IsGenericTypeDefinition).ToList();
        builder.Services.Configure<GrainClassOptions>(o => o.GrainClasses.AddRange(classes));
        return builder;
    }

    /// <summary>Hosts one grain class.</summary>
    public static ISiloBuilder AddGrain<TGrain>(this ISiloBuilder builder) where TGrain : Grain
    {
        builder.Services.Configure<GrainClassOptions>(o => o.GrainClasses.Add(typeof(TGrain)));
        return builder;
    }

    /// <summary>Configures one of the silo's options classes (Orleans: <c>siloBuilder.Configure&lt;TOptions&gt;</c>).</summary>
    public static ISiloBuilder Configure<TOptions>(this ISiloBuilder builder, Action<TOptions> configure) where TOptions : class
    {
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adds the storage provider <paramref name="choice"/> describes under <paramref name="name"/>.</summary>
    public static ISiloBuilder UseGrainStorage(this ISiloBuilder builder, GrainStorageChoice choice, string name = GrainStorageNames.Default)
    {
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) =>
            services.GetServices<IGrainStorageFilter>().Aggregate(choice.CreateStorage(services), (storage, filter) => filter.Wrap(storage)));
        return builder;
    }
}
