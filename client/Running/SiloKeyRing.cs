using ApexOrleans.Contracts.Http;
using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using ApexOrleans.Contracts.Serialization;

namespace ApexOrleans.Client.Running;

/// <summary>The keys a client uses: the admin key and each app's publish key.</summary>
internal sealed record SiloKeys(string Admin, IReadOnlyDictionary<string, string> Apps);

/// <summary>
/// The keys a session sends: the silo's admin and app keys, from a keys file or, from a silo in development mode on this
/// machine, its loopback-only key endpoint; and each run's own app keys. A restarted development silo has new ones.
/// </summary>
internal sealed class SiloKeyRing(SiloKeys keys, string? keysFile)
{
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _runKeys = [];
    private SiloKeys _keys = keys;

    /// <summary>The keys of <paramref name="silo"/>: from the keys file if one was given, else from the silo if it gives them (null if not).</summary>
    public static async Task<SiloKeys?> FetchAsync(HttpClient silo, string? keysFile, CancellationToken cancellationToken)
    {
        if (keysFile is not null)
        {
            return JsonSerializer.Deserialize<SiloKeys>(await File.ReadAllTextAsync(keysFile, cancellationToken), MeshJson.Options)
                ?? throw new BadInputException($"--keys {keysFile}: expected {{ \"admin\": \"…\", \"apps\": {{ \"app\": \"key\" }} }}.");
        }

        using var response = await silo.GetAsync(ApiRoutes.DevKeys, cancellationToken);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<SiloKeys>(MeshJson.Options, cancellationToken) : null;
    }

    /// <summary>Takes the keys <paramref name="silo"/> gives now, if it gives any: a silo not used before, or restarted, in development mode has keys of its own.</summary>
    public async Task RefreshAsync(HttpClient silo, CancellationToken cancellationToken) =>
        _keys = await FetchAsync(silo, keysFile, cancellationToken) ?? _keys;

    /// <summary>Keeps the keys a run was created with: a run takes only its own keys.</summary>
    public void HoldRunKeys(string tenant, IReadOnlyDictionary<string, string> runKeys) => _runKeys[tenant] = runKeys;

    /// <summary>Lets go of a finished run's keys.</summary>
    public void DropRunKeys(string tenant) => _runKeys.TryRemove(tenant, out _);

    /// <summary>The key <paramref name="app"/> publishes with into <paramref name="tenant"/>: the run's own key, or the silo's app key for a tenant this session did not create.</summary>
    public string? PublishKey(string tenant, string app) =>
        (_runKeys.TryGetValue(tenant, out var run) ? run : _keys.Apps).GetValueOrDefault(app);

    /// <summary>A request with the admin key, and <paramref name="body"/> as JSON if given.</summary>
    public HttpRequestMessage AdminRequest(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", _keys.Admin);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: MeshJson.Options);
        }

        return request;
    }
}
