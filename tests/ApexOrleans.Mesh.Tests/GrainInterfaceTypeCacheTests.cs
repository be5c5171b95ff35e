using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Idempotency;
using ApexOrleans.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;

namespace ApexOrleans.Mesh.Tests;

/// <summary>The cached grain interface names are the ones Orleans itself gives, so every reference reaches the same grain.</summary>
public sealed class GrainInterfaceTypeCacheTests
{
    [Fact]
    public async Task ACachedInterfaceNameIsTheOneOrleansGives()
    {
        await using var silo = await MeshSilo.StartAsync();
        var resolver = silo.Services.GetRequiredService<GrainInterfaceTypeResolver>();
        var providers = silo.Services.GetServices<IGrainInterfaceTypeProvider>().ToList();
        var orleansOwn = providers.OfType<AttributeGrainInterfaceTypeProvider>().Single();

        Assert.IsType<GrainInterfaceTypeCache>(providers[0]);
        foreach (var type in new[] { typeof(IDeliveryGrain), typeof(IIdempotencyGrain), typeof(ICircuitBreakerGrain), typeof(IManagementGrain) })
        {
            var expected = orleansOwn.TryGetGrainInterfaceType(type, out var named) ? named : resolver.GetGrainInterfaceTypeByConvention(type);
            Assert.Equal(expected, resolver.GetGrainInterfaceType(type));
            Assert.Equal(expected, resolver.GetGrainInterfaceType(type)); // the second time, from the cache
        }
    }
}
