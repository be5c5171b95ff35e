using ApexOrleans.Contracts.Http;
using System.Net;
using System.Net.Http.Json;
using ApexOrleans.Contracts.Serialization;

namespace ApexOrleans.Client.Running;

/// <summary>What a silo says about itself at <c>/api/v1/info</c>.</summary>
internal sealed record SiloInfo(string Version, string Mode, string Storage, IReadOnlyList<string> Apps);

/// <summary>
/// How a session's requests reach a silo: to the one in use, and, when it went away, again through <see cref="SiloRetry"/>,
/// to a silo that is ready, with its keys and with the session's runs taken up again there.
/// </summary>
internal sealed class SiloConnection : IDisposable
{
    private readonly SiloList _silos;
    private readonly SiloRetry _retry;

    private SiloConnection(SiloList silos, SiloKeyRing keys, SiloRetry retry)
    {
        _silos = silos;
        _retry = retry;
        Keys = keys;
    }

    /// <summary>The keys the requests are sent with.</summary>
    public SiloKeyRing Keys { get; }

    /// <summary>The runs to take up again on a silo that lost them.</summary>
    public ResumableRuns Runs { get; } = new();

    /// <summary>Whether a request had to be sent again (the silo went away, or answered 503): what a silo kept in memory may be gone.</summary>
    public bool Interrupted { get; private set; }

    /// <summary>The URL of the silo in use.</summary>
    public string Silo => _silos.Url;

    /// <summary>
    /// Opens a connection to the first silo of <paramref name="url"/> that answers, with its keys; refuses clearly when
    /// none can be reached or keys are missing.
    /// </summary>
    public static async Task<(SiloConnection Connection, SiloInfo Info)> OpenAsync(string url, string? keysFile, SiloRetry retry,
        CancellationToken cancellationToken)
    {
        var silos = SiloList.Parse(url, retry.Options, retry.Clock);
        try
        {
            var failures = new List<string>();
            foreach (var silo in silos.All)
            {
                SiloInfo info;
                try
                {
                    info = (await silo.GetFromJsonAsync<SiloInfo>(ApiRoutes.Info, MeshJson.Options, cancellationToken))!;
                }
                catch (HttpRequestException e)
                {
                    failures.Add($"{SiloList.UrlOf(silo)} ({e.Message})");
                    continue;
                }

                var keys = await FetchKeysAsync(silos, silo, keysFile, retry, cancellationToken)
                    ?? throw new BadInputException($"--silo {SiloList.UrlOf(silo)} runs in {info.Mode} mode and gives no keys: pass --keys FILE with its admin and app keys.");
                silos.Use(silo);
                return (new SiloConnection(silos, new SiloKeyRing(keys, keysFile), retry), info);
            }

            throw new EnvironmentFailureException($"--silo {url}: no silo answers there: {string.Join("; ", failures)}. Start one with: dotnet run --project silo");
        }
        catch
        {
            silos.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The keys of a silo that has just answered: if it goes away before giving them (it is restarting), it is waited
    /// for, as every later request of the session waits for it, rather than failing the run before it began.
    /// </summary>
    private static Task<SiloKeys?> FetchKeysAsync(SiloList silos, HttpClient silo, string? keysFile, SiloRetry retry, CancellationToken cancellationToken) =>
        retry.ExecuteAsync(async (missed, cancellationToken) =>
        {
            if (missed is not null && !await silos.IsReadyAsync(silo, cancellationToken))
            {
                throw new SiloStillAwayException($"The silo at {SiloList.UrlOf(silo)} did not become ready again");
            }

            return await SiloKeyRing.FetchAsync(silo, keysFile, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Sends a request; if the silo went away (connection refused or reset, 503, its keys changed with a restart, or it
    /// no longer knows the run of <paramref name="tenant"/>), waits for a ready silo, takes the run (every run, when
    /// <paramref name="tenant"/> is null) up again where its clock had got to, and sends again. Every request the runner
    /// makes is idempotent, so sending it again is safe.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(string? tenant, Func<HttpRequestMessage> request, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(async (missed, cancellationToken) =>
        {
            if (missed is not null)
            {
                Interrupted = true;
                await _silos.UseReadyAsync(cancellationToken);
                await Keys.RefreshAsync(_silos.Current, cancellationToken); // a restarted development silo has new keys
                await Runs.ResumeAsync(tenant, _silos.Current, Keys, cancellationToken);
            }

            using var message = request();
            var path = message.RequestUri!.OriginalString; // read before sending: HttpClient makes it absolute
            var response = await _silos.Current.SendAsync(message, cancellationToken);
            var lostRun = response.StatusCode == HttpStatusCode.NotFound && tenant is not null && Runs.Holds(tenant)
                && (path.StartsWith(ApiRoutes.To(ApiRoutes.Runs, ApiRoutes.Run, tenant) + "/", StringComparison.Ordinal)
                    || path == ApiRoutes.Events); // run_not_found: the silo restarted without it, or its tenant moved
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.Unauthorized || lostRun)
            {
                response.Dispose();
                throw new SiloStillAwayException($"The silo at {Silo} did not come back");
            }

            return response;
        }, cancellationToken);

    /// <summary>
    /// A fault call, sent again while the silo cannot be reached or answers 503 (to the next silo given, when there are
    /// several) or 401 (with new keys), and without waiting for readiness: the kill switch must work while storage is
    /// down. At the deadline, the silo's last answer is the call's.
    /// </summary>
    public Task<HttpResponseMessage> SendFaultCallAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(async (missed, cancellationToken) =>
        {
            if (missed is { Answer: null or HttpStatusCode.ServiceUnavailable })
            {
                _silos.MoveOn();
            }

            if (missed is { Answer: not null })
            {
                await Keys.RefreshAsync(_silos.Current, cancellationToken); // a silo not used before (or restarted) in development mode has keys of its own
            }

            using var message = request();
            return await _silos.Current.SendAsync(message, cancellationToken);
        }, cancellationToken);

    /// <summary>Sends a request to the silo in use, once.</summary>
    public async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        await _silos.Current.SendAsync(request, cancellationToken);

    public void Dispose() => _silos.Dispose();
}
