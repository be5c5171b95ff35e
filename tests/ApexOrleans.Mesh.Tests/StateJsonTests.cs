using System.Text.Json;
using System.Text.Json.Serialization;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Contracts.Catalog;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace ApexOrleans.Mesh.Tests;

public sealed class StateJsonTests
{
    [Fact]
    public async Task TheMeshWritesItsStatesAsPlainReflectionWouldAndReadsThemAsStoredBefore()
    {
        await using var silo = await MeshSilo.StartAsync();
        var tenant = silo.Tenant("state-json");
        await MeshGuarantees.PublishBeatsAsync(silo, tenant, SarahsDay.Beats.Count);
        var mesh = silo.Services.GetRequiredKeyedService<IGrainStorageSerializer>(GrainStorageNames.Default);
        var reflection = new WebJsonGrainStorageSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull });
        var before = new WebJsonGrainStorageSerializer(); // as states were stored before nulls were left out
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);

        // The generated serializers write what reflection writes with the same options, and states stored with their nulls
        // (before they were left out) read back to the same state.
        foreach (var app in silo.Services.GetRequiredService<AppCatalog>().Apps.Keys)
        {
            var state = await StoredStates.BooksAsync(storage, tenant.Id, app);
            var queue = await StoredStates.QueueAsync(storage, tenant.Id, app);
            var snapshot = new JournalSnapshot<AppState> { State = state, Through = 3 };
            Assert.Equal(reflection.Serialize(snapshot).ToArray(), mesh.Serialize(snapshot).ToArray());
            var entry = new AppJournalEntry { Delivery = state.Held.FirstOrDefault()?.Delivery, At = DateTimeOffset.UnixEpoch, Acknowledged = [1, 2] };
            Assert.Equal(reflection.Serialize(entry).ToArray(), mesh.Serialize(entry).ToArray());
            Assert.Equal(reflection.Serialize(queue).ToArray(), mesh.Serialize(queue).ToArray());
            Assert.Equal(mesh.Serialize(queue).ToArray(), mesh.Serialize(mesh.Deserialize<DeliveryQueueState>(before.Serialize(queue))).ToArray());
            Assert.Equal(mesh.Serialize(snapshot).ToArray(), mesh.Serialize(mesh.Deserialize<JournalSnapshot<AppState>>(before.Serialize(snapshot))).ToArray());
            Assert.True(mesh.Serialize(queue).ToMemory().Length < before.Serialize(queue).ToMemory().Length || queue.Pending.Count + queue.Delivered.Count == 0);
        }
    }
}
