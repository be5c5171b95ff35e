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
            var state = await StoredStates.BooksAsync(storage, tenant.Id, app);
            var queue = await StoredStates.QueueAsync(storage, tenant.Id, app);
            var snapshot = new JournalSnapshot<AppState> { State = state, Through = 3 };
            Assert.Equal(reflection.Serialize(snapshot).ToArray(), mesh.Serialize(snapshot).ToArray());
            var entry = new AppJournalEntry { Delivery = state.Held.FirstOrDefault()?.Delivery, At = DateTimeOffset.UnixEpoch, Acknowledged = [1, 2] };
            Assert.Equal(reflection.Serialize(entry).ToArray(), mesh.Serialize(entry).ToArray());
            Assert.Equal(reflection.Serialize(queue).ToArray(), mesh.Serialize(queue).ToArray());
        }
    }
}
