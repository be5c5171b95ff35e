using ApexOrleans.Grains.Apps;
using ApexOrleans.Runtime;
using ApexOrleans.Runtime.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ApexOrleans.Mesh.Tests;

public sealed class StateJsonTests
{
    [Fact]
    public async Task TheMeshWritesItsStatesAsTheSameJsonAsPlainReflectionWould()
    {
        await using var silo = await MeshSilo.StartAsync();
        var tenant = silo.Tenant("state-json");
        await MeshGuarantees.PublishBeatsAsync(silo, tenant, SarahsDay.Beats.Count);
        var mesh = silo.Cluster.Services.GetRequiredService<IGrainStateSerializer>();
        var reflection = new JsonGrainStateSerializer();
        var storage = silo.Cluster.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);

        // The generated serializers must not change a byte of what is stored: files written before still read back.
        foreach (var app in silo.Cluster.Services.GetRequiredService<AppCatalog>().Apps.Keys)
        {
            var state = new GrainState<AppState>();
            await storage.ReadStateAsync("app", new GrainId("app", $"{tenant.Id}/{app}"), state);
            var queue = new GrainState<Grains.Delivery.DeliveryQueueState>();
            await storage.ReadStateAsync("queue", new GrainId("delivery", $"{tenant.Id}/{app}"), queue);
            Assert.Equal(reflection.Serialize(state.State), mesh.Serialize(state.State));
            Assert.Equal(reflection.Serialize(queue.State), mesh.Serialize(queue.State));
        }
    }
}
