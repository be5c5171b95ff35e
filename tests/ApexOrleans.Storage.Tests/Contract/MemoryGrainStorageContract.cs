using Orleans.Storage;

namespace ApexOrleans.Storage.Tests.Contract;

public sealed class MemoryGrainStorageContract : GrainStorageContract
{
    private readonly MemoryGrainStore _store = new();

    protected override IGrainStorage CreateStorage() => new MemoryGrainStorage(_store, new WebJsonGrainStorageSerializer());
}
