using Orleans.Storage;

namespace ApexOrleans.Storage.Tests.Hosting;

public sealed class StorageProbeTests
{
    [Fact]
    public async Task AStorageThatAnswersPasses() =>
        Assert.Null(await StorageProbe.FailureAsync(new MemoryGrainStorage(new MemoryGrainStore(), new WebJsonGrainStorageSerializer()), TimeSpan.FromSeconds(3), CancellationToken.None));

    [Fact]
    public async Task AStorageThatFailsOrHangsIsNamedByWhatWentWrong()
    {
        Assert.Equal(nameof(IOException), await StorageProbe.FailureAsync(new Unanswering(Task.FromException(new IOException("down"))), TimeSpan.FromSeconds(3), CancellationToken.None));
        Assert.Equal(nameof(TimeoutException), await StorageProbe.FailureAsync(new Unanswering(new TaskCompletionSource().Task), TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }

    /// <summary>A storage whose every call ends as <paramref name="outcome"/> does.</summary>
    private sealed class Unanswering(Task outcome) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => outcome;

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => outcome;

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => outcome;
    }
}
