using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace ApexOrleans.Mesh.Tests;

public sealed class StateJsonTests
{
    [Fact]
    public async Task TheMeshWritesItsStatesAsTheSameJsonAsPlainReflectionWould()
    {
        await using var silo = await MeshSilo.StartAsync();
        var tenant = silo.Tenant("state-json");
        await MeshGuarantees.PublishBeatsAsync(silo, tenant, SarahsDay.Beats.Count);
        var mesh = silo.Services.GetRequiredKeyedService<IGrainStorageSerializer>(GrainStorageNames.Default);
        var reflection = new WebJsonGrainStorageSerializer();
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);

        // The generated serializers must not change a byte of what is stored: files written before still read back.
        foreach (var app in silo.Services.GetRequiredService<AppCatalog>().Apps.Keys)
        {
            var state = new GrainState<AppState>(new AppState());
            await storage.ReadStateAsync("app", GrainId.Create("app", $"{tenant.Id}/{app}"), state);
            var queue = new GrainState<DeliveryQueueState>(new DeliveryQueueState());
            await storage.ReadStateAsync("queue", GrainId.Create("delivery", $"{tenant.Id}/{app}"), queue);
            Assert.Equal(reflection.Serialize(state.State).ToArray(), mesh.Serialize(state.State).ToArray());
            Assert.Equal(reflection.Serialize(queue.State).ToArray(), mesh.Serialize(queue.State).ToArray());
        }
    }
}
