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
/// event. Web defaults, without the nulls: most optional fields of a delivery, an attempt or a receipt are empty, and
/// writing each as <c>"name":null</c> was a sixth of a write's bytes. A field left out reads back as null (or as its
/// constructor parameter's default), so states stored with the nulls read the same. Any other type goes through reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
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
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
