namespace ApexOrleans.Runtime.Tests.Grains;

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

    ValueTask<int> HistoryCountAsync();

    ValueTask TouchAsync();
}

public sealed class NoteGrain([PersistentState("note")] IPersistentState<NoteState> note) : Grain, INoteGrain
{
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

    public ValueTask<int> HistoryCountAsync() => ValueTask.FromResult(note.State.History.Count);

    public ValueTask TouchAsync() => ValueTask.CompletedTask;
}
