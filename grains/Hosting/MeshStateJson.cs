using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ApexOrleans.Contracts.Apps;
using ApexOrleans.Grains.Apps;
using ApexOrleans.Grains.Deliveries;
using ApexOrleans.Grains.Persistence;
using ApexOrleans.Contracts.Circuits;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Idempotency;

namespace ApexOrleans.Grains.Hosting;

/// <summary>
/// The mesh's grain states with serialization code generated at build time: a state is written on nearly every
/// mesh call, and the generated writers skip the reflection-driven converters, which were the largest CPU item of a mesh
/// event. Same JSON as before (web defaults); any other type still goes through reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(JournalSnapshot<AppState>))]
[JsonSerializable(typeof(AppJournalEntry))]
[JsonSerializable(typeof(JournalSnapshot<DeliveryQueueState>))]
[JsonSerializable(typeof(QueueJournalEntry))]
[JsonSerializable(typeof(DeliveryHistoryPage))]
[JsonSerializable(typeof(IdempotencyState))]
[JsonSerializable(typeof(CircuitState))]
internal sealed partial class MeshStateJson : JsonSerializerContext
{
    /// <summary>The JSON options grain state is stored with on a silo hosting the mesh.</summary>
    public static JsonSerializerOptions StateOptions() => new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(Default, new DefaultJsonTypeInfoResolver()),
    };
}
