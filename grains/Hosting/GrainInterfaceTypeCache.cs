using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;

namespace ApexOrleans.Grains.Hosting;

/// <summary>
/// Remembers each grain interface's Orleans name. Orleans works it out on every <c>GetGrain</c>, reading the interface's
/// attributes and formatting its type name, which was about 3 % of the mesh's CPU: every event names fresh key grains.
/// </summary>
/// <remarks>
/// Registered ahead of Orleans' own providers, it answers once from them (in their order) or from Orleans' convention,
/// as the resolver would, and from memory after that. Generic interfaces, whose parameters the resolver adds, are left to it.
/// </remarks>
public sealed class GrainInterfaceTypeCache(IServiceProvider services) : IGrainInterfaceTypeProvider
{
    private readonly ConcurrentDictionary<Type, GrainInterfaceType> _known = new();

    /// <inheritdoc />
    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        if (type.IsGenericType)
        {
            grainInterfaceType = default;
            return false;
        }

        grainInterfaceType = _known.GetOrAdd(type, Resolve);
        return true;
    }

    /// <summary>Puts the cache ahead of every other grain interface type provider.</summary>
    public static void AddTo(IServiceCollection services)
    {
        if (!services.Any(d => d.ImplementationType == typeof(GrainInterfaceTypeCache)))
        {
            services.Insert(0, ServiceDescriptor.Singleton<IGrainInterfaceTypeProvider, GrainInterfaceTypeCache>());
        }
    }

    private GrainInterfaceType Resolve(Type type)
    {
        foreach (var provider in services.GetServices<IGrainInterfaceTypeProvider>())
        {
            if (provider != this && provider.TryGetGrainInterfaceType(type, out var named))
            {
                return named;
            }
        }

        return services.GetRequiredService<GrainInterfaceTypeResolver>().GetGrainInterfaceTypeByConvention(type);
    }
}
