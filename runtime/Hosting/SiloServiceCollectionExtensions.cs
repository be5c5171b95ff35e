using ApexOrleans.Runtime.Activation;
using ApexOrleans.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ApexOrleans.Runtime.Hosting;

/// <summary>Puts a silo into a host (Orleans: <c>UseOrleans</c>).</summary>
public static class SiloServiceCollectionExtensions
{
    /// <summary>Adds a silo to the host being built; it starts and stops with the host.</summary>
    public static IHostApplicationBuilder UseSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder> configure)
    {
        builder.Services.AddSilo(configure);
        return builder;
    }

    /// <summary>Adds a silo's services and its hosted lifecycle.</summary>
    public static IServiceCollection AddSilo(this IServiceCollection services, Action<ISiloBuilder> configure)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGrainStateSerializer>(_ => new JsonGrainStateSerializer());
        services.AddOptions<GrainRuntimeOptions>();
        services.AddOptions<GrainCollectionOptions>();
        services.AddOptions<GrainClassOptions>();
        services.AddLogging();
        services.TryAddSingleton(sp => new GrainClassRegistry(sp.GetRequiredService<IOptions<GrainClassOptions>>().Value.GrainClasses));
        services.TryAddSingleton<GrainRuntime>();
        services.TryAddSingleton<ActivationCollector>();
        services.TryAddSingleton(sp => new Silo(sp.GetRequiredService<GrainRuntime>(), sp.GetRequiredService<ActivationCollector>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<GrainRuntime>().GrainFactory);
        services.AddHostedService(sp => sp.GetRequiredService<Silo>());
        configure(new SiloBuilder(services));
        return services;
    }
}
