using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ApexOrleans.Client.Evidence;
using ApexOrleans.Client.Experiments;
using ApexOrleans.Client.Running;
using ApexOrleans.Client.Tests.Experiments;

namespace ApexOrleans.Client.Tests;

/// <summary>Connecting to a silo in another process, against a stand-in silo on loopback that drops connections on purpose (a silo that never answers is refused by the CLI tests).</summary>
public sealed class SiloConnectionTests
{
    [Fact]
    public async Task SiloThatGoesAwayBeforeGivingItsKeysIsWaitedFor()
    {
        await using var silo = new DroppingSilo(keyRequestsDropped: 10);

        await using var session = await HttpMeshSession.ConnectAsync(silo.Url, keysFile: null, CancellationToken.None);

        Assert.Equal("sqlite", session.Storage);
        Assert.Equal(11, silo.KeyRequests); // ten dropped (more than HttpClient retries by itself), the eleventh answered
    }

    [Fact]
    public async Task TheExperimentJournalsASiloHoldsAreReadBackWhole()
    {
        var journal = JournalFormatTests.Journal(HaltSource.Safeguard);
        var json = JsonSerializer.Serialize(journal, BundleJson.Options);
        await using var silo = new DroppingSilo(keyRequestsDropped: 0, experiments: $$"""[{ "runId": "{{journal.RunId}}", "status": "aborted", "journal": {{json}} }]""");
        await using var session = await HttpMeshSession.ConnectAsync(silo.Url, keysFile: null, CancellationToken.None);

        var read = ExperimentJournal.FromSilo(Assert.Single(await session.ExperimentRecordsAsync(CancellationToken.None)));

        Assert.Equal(json, JsonSerializer.Serialize(read, BundleJson.Options));
        Assert.Same(HaltSource.Safeguard, read.Halt!.Source);
    }

    /// <summary>Answers /api/v1/info, /health/ready and (when given) /api/v1/experiments; resets the connection of the first n requests for development keys, then gives them.</summary>
    private sealed class DroppingSilo : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;
        private readonly int _dropped;
        private readonly string? _experiments;
        private int _keyRequests;

        public DroppingSilo(int keyRequestsDropped, string? experiments = null)
        {
            _dropped = keyRequestsDropped;
            _experiments = experiments;
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _serving = ServeAsync();
        }

        public string Url { get; }

        public int KeyRequests => Volatile.Read(ref _keyRequests);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _serving;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            _stop.Dispose();
        }

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var stream = client.GetStream();
                var request = await ReadHeadAsync(stream);
                if (request.StartsWith("GET /api/v1/info ", StringComparison.Ordinal))
                {
                    await AnswerAsync(stream, """{ "version": "test", "mode": "development", "storage": "sqlite", "apps": ["omnihub"] }""");
                }
                else if (request.StartsWith("GET /health/ready ", StringComparison.Ordinal))
                {
                    await AnswerAsync(stream, "{}");
                }
                else if (request.StartsWith("GET /api/v1/dev/keys ", StringComparison.Ordinal) && Interlocked.Increment(ref _keyRequests) > _dropped)
                {
                    await AnswerAsync(stream, """{ "admin": "admin-key", "apps": { "omnihub": "omnihub-key" } }""");
                }
                else if (request.StartsWith("GET /api/v1/experiments ", StringComparison.Ordinal) && _experiments is { } experiments)
                {
                    await AnswerAsync(stream, experiments);
                }
                else
                {
                    client.Client.LingerState = new LingerOption(true, 0); // close with a reset, as a killed process's socket does
                }
            }
        }

        private static async Task<string> ReadHeadAsync(NetworkStream stream)
        {
            var head = new StringBuilder();
            var buffer = new byte[1024];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            return head.ToString();
        }

        private static async Task AnswerAsync(NetworkStream stream, string json)
        {
            var body = Encoding.UTF8.GetBytes(json);
            var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(head);
            await stream.WriteAsync(body);
        }
    }
}
