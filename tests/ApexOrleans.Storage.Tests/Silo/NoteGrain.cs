
namespace ApexOrleans.Storage.Tests.Silo;

public sealed class NoteState
{
    public string Text { get; set; } = "";

    public List<string> History { get; set; } = [];
}

public interface INoteGrain : IGrainWithStringKey
{
    Task WriteAsync(string text);

    Task<string> ReadAsync();

    Task<string?> EtagAsync();

    Task ClearAsync();

    Task ReloadAsync();

    Task<int> HistoryCountAsync();
}

/// <summary>A grain with one persistent state on the default provider: what the silo tests write and read back.</summary>
[GrainType(TypeName)]
public sealed class NoteGrain([PersistentState(NoteGrain.StateName)] IPersistentState<NoteState> note) : Grain, INoteGrain
{
    public const string TypeName = "note";

    public const string StateName = "note";

    public async Task WriteAsync(string text)
    {
        note.State.Text = text;
        note.State.History.Add(text);
        await note.WriteStateAsync();
    }

    public Task<string> ReadAsync() => Task.FromResult(note.State.Text);

    public Task<string?> EtagAsync() => Task.FromResult(note.Etag);

    public Task ClearAsync() => note.ClearStateAsync();

    public Task ReloadAsync() => note.ReadStateAsync();

    public Task<int> HistoryCountAsync() => Task.FromResult(note.State.History.Count);
}
