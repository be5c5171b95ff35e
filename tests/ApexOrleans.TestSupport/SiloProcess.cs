using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ApexOrleans.TestSupport;

/// <summary>
/// The silo as a separate process (dotnet ApexOrleans.Silo.dll beside the caller's binaries), kept alive on one port:
/// when it dies it is started again, without the crash point, the way an operator or a supervisor would. Counts its deaths.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly string[] _arguments;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Lock _gate = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    private Process _process;
    private readonly bool _restart;
    private bool _stopping;
    private Task _watch = Task.CompletedTask;

    private SiloProcess(string url, int siloPort, int gatewayPort, string[] arguments, string? crashAt, IReadOnlyDictionary<string, string>? environment, bool restart)
    {
        Url = url;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        _restart = restart;
        _arguments = arguments;
        _environment = environment ?? new Dictionary<string, string>();
        _process = Launch(crashAt);
        _watch = WatchAsync();
    }

    /// <summary>Its HTTP API.</summary>
    public string Url { get; }

    /// <summary>The port its Orleans silo listens on (the port in its silo address); 0 for a silo that is started again.</summary>
    public int SiloPort { get; }

    /// <summary>The port its Orleans gateway listens on, for cluster clients; 0 for a silo that is started again.</summary>
    public int GatewayPort { get; }

    /// <summary>Whether the process has exited and was not started again.</summary>
    public bool Dead { get; private set; }

    /// <summary>What the silo processes wrote to stdout and stderr so far (the first 10,000 lines).</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>CPU time the running process has used so far (its current life only).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            lock (_gate)
            {
                _process.Refresh();
                return _process.TotalProcessorTime;
            }
        }
    }

    /// <summary>How many times the silo died (killed) and was started again.</summary>
    public int Restarts { get; private set; }

    /// <summary>Starts the silo; with <paramref name="restart"/> false a killed silo stays dead (a cluster must do without it).</summary>
    public static async Task<SiloProcess> StartAsync(string[] settings, string? crashAt = null, IReadOnlyDictionary<string, string>? environment = null, bool restart = true)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        // Free Orleans ports: tests run silos side by side, and a port two silos share is not refused. A silo that is
        // started again takes a new one each time; one that is not has a known port, which names it in the cluster.
        var (siloPort, gatewayPort) = restart ? (0, 0) : (FreePort(), FreePort());
        var silo = new SiloProcess(url, siloPort, gatewayPort,
            ["--urls", url, "--Apex:SiloPort", siloPort.ToString(), "--Apex:GatewayPort", gatewayPort.ToString(), .. settings], crashAt, environment, restart);
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return silo;
    }

    /// <summary>Kills the silo now with SIGKILL (it is then started again by the watcher).</summary>
    public void KillNow()
    {
        lock (_gate)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Waits until the silo answers ready, or throws after <paramref name="limit"/>.</summary>
    public async Task WaitReadyAsync(TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                if ((await http.GetAsync($"{Url}/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The silo at {Url} was not ready within {limit}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Kills the silo and stops watching it.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        await _watch;
        _process.Dispose();
    }

    private Process Launch(string? crashAt)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ApexOrleans.Silo.dll"));
        foreach (var argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["APEX_CRASH_AT"] = crashAt ?? "";
        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Keep(string? line)
    {
        if (line is not null && _output.Count < 10_000)
        {
            _output.Enqueue(line);
        }
    }

    private async Task WatchAsync()
    {
        while (true)
        {
            Process current;
            lock (_gate)
            {
                current = _process;
            }

            await current.WaitForExitAsync();
            lock (_gate)
            {
                if (_stopping)
                {
                    return;
                }

                if (!_restart)
                {
                    Dead = true;
                    return;
                }

                Restarts++;
                current.Dispose();
                _process = Launch(crashAt: null);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
