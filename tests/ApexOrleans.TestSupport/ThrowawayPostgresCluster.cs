using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ApexOrleans.TestSupport;

/// <summary>
/// A PostgreSQL cluster made for one test run: initdb into a temp folder, pg_ctl start on a free
/// 127.0.0.1 port with its socket in that folder, removed on dispose. As root it runs the server as the
/// image's <c>postgres</c> user, because initdb refuses root.
/// </summary>
public sealed class ThrowawayPostgresCluster : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _binDirectory;
    private readonly bool _asPostgresUser;

    private ThrowawayPostgresCluster(string folder, string binDirectory, bool asPostgresUser, int port)
    {
        _folder = folder;
        _binDirectory = binDirectory;
        _asPostgresUser = asPostgresUser;
        Port = port;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=30;Command Timeout=60";
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The temp folder holding the data directory, socket and server log.</summary>
    public string Folder => _folder;

    /// <summary>Connection string for the superuser on the default database.</summary>
    public string ConnectionString { get; }

    private string DataDirectory => Path.Combine(_folder, "data");

    /// <summary>Why a cluster cannot be started on this machine, or null if it can be tried.</summary>
    public static string? WhyUnavailable()
    {
        if (FindBinDirectory() is null)
        {
            return "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin.";
        }

        if (Environment.IsPrivilegedProcess && (!File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser") || !UserExists("postgres")))
        {
            return "Running as root, initdb needs the 'postgres' system user and runuser, and one of them is missing.";
        }

        return null;
    }

    /// <summary>
    /// Creates and starts a cluster; throws with initdb's or pg_ctl's own output when that fails. <paramref name="durable"/>
    /// keeps fsync on (benchmarks compare at real durability); tests run with it off.
    /// </summary>
    public static async Task<ThrowawayPostgresCluster> StartAsync(CancellationToken cancellationToken = default, bool durable = false)
    {
        if (WhyUnavailable() is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var folder = Path.Combine(Path.GetTempPath(), $"apex-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var asPostgresUser = Environment.IsPrivilegedProcess;
        if (asPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", folder], asUser: null, cancellationToken);
        }

        var cluster = new ThrowawayPostgresCluster(folder, FindBinDirectory()!, asPostgresUser, FreeLoopbackPort());
        try
        {
            await cluster.RunPgAsync("initdb", ["-D", cluster.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], cancellationToken);
            // fsync off for tests: this cluster lives for one test run; the tests prove the silo's guarantees, not the disk's.
            var serverOptions = $"-c listen_addresses=127.0.0.1 -p {cluster.Port} -k {folder} -c fsync={(durable ? "on" : "off")} -c max_connections=200";
            await cluster.RunPgAsync("pg_ctl", ["-D", cluster.DataDirectory, "-l", Path.Combine(folder, "server.log"), "-o", serverOptions, "-w", "-t", "60", "start"], cancellationToken);
            await using var connection = new NpgsqlConnection(cluster.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Restarts the server in place (pg_ctl restart), for tests of storage outages.</summary>
    public Task RestartAsync(CancellationToken cancellationToken = default) =>
        RunPgAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "restart"], cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                await RunPgAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], CancellationToken.None);
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }

    private Task RunPgAsync(string tool, string[] arguments, CancellationToken cancellationToken) =>
        RunAsync(Path.Combine(_binDirectory, tool), arguments, _asPostgresUser ? "postgres" : null, cancellationToken);

    private static async Task RunAsync(string file, string[] arguments, string? asUser, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(asUser is null ? file : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asUser is not null)
        {
            foreach (var argument in new[] { "-u", asUser, "--", file })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }

    private static string? FindBinDirectory()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        if (onPath is not null)
        {
            return onPath;
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
    }

    private static bool UserExists(string name) =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(line => line.StartsWith(name + ":", StringComparison.Ordinal));

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
