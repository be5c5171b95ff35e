using ApexOrleans.Contracts.Http;
namespace ApexOrleans.Client.Running;

/// <summary>
/// The silos given with <c>--silo URL,URL,…</c>, all of one cluster, and the one in use: when it goes away, a session
/// moves on to the next, or to the first that is ready (a silo of the same cluster serves every tenant).
/// </summary>
internal sealed class SiloList : IDisposable
{
    private readonly HttpClient[] _silos; // every silo given, in order
    private readonly SiloRetryOptions _options;
    private readonly TimeProvider _clock;
    private HttpClient _current;

    private SiloList(HttpClient[] silos, SiloRetryOptions options, TimeProvider clock)
    {
        _silos = silos;
        _options = options;
        _clock = clock;
        _current = silos[0];
    }

    /// <summary>The silos of <paramref name="url"/> (one URL, or several separated by commas); refuses anything but http(s) URLs.</summary>
    public static SiloList Parse(string url, SiloRetryOptions options, TimeProvider clock)
    {
        var addresses = url.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (addresses.Length == 0)
        {
            throw new BadInputException($"--silo '{url}': give 'embedded' or an http(s) URL such as http://127.0.0.1:5080.");
        }

        var silos = new List<HttpClient>();
        foreach (var address in addresses)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                silos.ForEach(h => h.Dispose());
                throw new BadInputException($"--silo {address}: give 'embedded' or an http(s) URL such as http://127.0.0.1:5080 (several silos of one cluster: URL,URL,…).");
            }

            silos.Add(new HttpClient { BaseAddress = baseAddress, Timeout = options.RequestTimeout });
        }

        return new SiloList([.. silos], options, clock);
    }

    /// <summary>Every silo given, in order.</summary>
    public IReadOnlyList<HttpClient> All => _silos;

    /// <summary>The silo requests go to now.</summary>
    public HttpClient Current => _current;

    /// <summary>The URL of the silo in use.</summary>
    public string Url => UrlOf(_current);

    /// <summary>Goes on with <paramref name="silo"/>, one of <see cref="All"/>.</summary>
    public void Use(HttpClient silo) => _current = silo;

    /// <summary>Goes on with the silo given after the one in use (the first after the last).</summary>
    public void MoveOn() => _current = _silos[(Array.IndexOf(_silos, _current) + 1) % _silos.Length];

    /// <summary>
    /// Goes on with the one in use if it is ready, else with the next given silo that is. Each is asked once; if none is
    /// ready, throws <see cref="SiloStillAwayException"/>, so that the try is missed and made again later.
    /// </summary>
    public async Task UseReadyAsync(CancellationToken cancellationToken)
    {
        var start = Array.IndexOf(_silos, _current);
        for (var i = 0; i < _silos.Length; i++)
        {
            var candidate = _silos[(start + i) % _silos.Length];
            if (await IsReadyAsync(candidate, cancellationToken))
            {
                _current = candidate;
                return;
            }
        }

        throw new SiloStillAwayException(_silos.Length == 1
            ? $"The silo at {Url} did not become ready again"
            : $"None of the silos {string.Join(", ", _silos.Select(UrlOf))} became ready again");
    }

    /// <summary>Whether the silo answers ready within the probe timeout (a silo that hangs is not ready).</summary>
    public async Task<bool> IsReadyAsync(HttpClient silo, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.ReadinessProbeTimeout, _clock);
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var ready = await silo.GetAsync(ApiRoutes.Ready, probe.Token);
            return ready.IsSuccessStatusCode;
        }
        catch (Exception e) when (SiloRetry.IsConnectionFailure(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>The silo's URL as given, without a trailing slash.</summary>
    public static string UrlOf(HttpClient silo) => silo.BaseAddress!.ToString().TrimEnd('/');

    public void Dispose()
    {
        foreach (var silo in _silos)
        {
            silo.Dispose();
        }
    }
}
