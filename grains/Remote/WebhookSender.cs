using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using ApexOrleans.Contracts.Deliveries;
using ApexOrleans.Contracts.Webhooks;

namespace ApexOrleans.Grains.Remote;

/// <summary>
/// POSTs one delivery to a remote app as a signed Standard Webhooks request, and reports the exchange as it went. Redirects
/// are never followed, at most <see cref="HttpExchange.MaxBody"/> bytes of the answer are read, and the connect and read
/// timeouts are the tenant's (<see cref="DeliveryOptions.ConnectTimeout"/>, the attempt's timeout), on the wall clock.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeoutKey = new("apex.connect-timeout");

    private readonly TimeProvider _wallClock;
    private readonly HttpClient _http;

    /// <summary>A sender with its own connection pool, timed by <paramref name="wallClock"/>.</summary>
    public WebhookSender(TimeProvider wallClock)
    {
        _wallClock = wallClock;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false, // a 3xx is an answer (a permanent refusal), never a new URL to call
            UseCookies = false,
            UseProxy = false,
            MaxResponseDrainSize = 0, // no reading past the cap to reuse the connection: a capped answer closes it
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync,
            ActivityHeadersPropagator = null, // the traceparent header is the attempt's span, set below, not the ambient activity's
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Sends <paramref name="delivery"/> of <paramref name="tenant"/> to its <paramref name="app"/> at <paramref name="endpoint"/>, attempted at
    /// <paramref name="attemptAt"/> on its clock, in the trace of <paramref name="traceParent"/> (the attempt's span), if any.
    /// </summary>
    public async Task<HttpExchange> PostAsync(Uri endpoint, WebhookSecret secret, string tenant, string app, Delivery delivery, DateTimeOffset attemptAt,
        TimeSpan connectTimeout, TimeSpan readTimeout, string? traceParent = null)
    {
        var body = WebhookMessage.Write(tenant, delivery, attemptAt, traceParent);
        var id = WebhookMessage.IdOf(tenant, app, delivery);
        var timestamp = _wallClock.GetUtcNow().ToUnixTimeSeconds(); // the receiver checks it against its own clock
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(WebhookMessage.ContentType);
        request.Headers.Add(WebhookHeaders.Id, id);
        request.Headers.Add(WebhookHeaders.Timestamp, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookHeaders.Signature, WebhookSignature.Sign(secret, id, timestamp, body));
        request.Options.Set(ConnectTimeoutKey, connectTimeout);
        if (traceParent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceParent); // W3C propagation, the same context as the body's
        }

        var started = _wallClock.GetTimestamp();
        using var timeout = new CancellationTokenSource(readTimeout, _wallClock);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var read = await ReadCappedAsync(response.Content, timeout.Token);
            var status = (int)response.StatusCode;
            var exchange = new HttpExchange(status, Elapsed(started), Convert.ToHexStringLower(SHA256.HashData(read)),
                RetryAfterSeconds: RetryAfter(response.Headers.RetryAfter));
            return exchange.Answer == RemoteAnswer.Permanent
                ? exchange with { Body = System.Text.Encoding.UTF8.GetString(read), Error = $"HTTP {status}: refused for good" }
                : exchange with { Error = exchange.Answer is RemoteAnswer.Taken or RemoteAnswer.Duplicate ? null : $"HTTP {status}" };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return new HttpExchange(null, Elapsed(started), null, $"no answer within {readTimeout.TotalMilliseconds:0} ms");
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return new HttpExchange(null, Elapsed(started), null, HttpExchange.ConnectionRefused);
        }
        catch (HttpRequestException e) when (e.InnerException is TimeoutException)
        {
            return new HttpExchange(null, Elapsed(started), null, HttpExchange.ConnectionRefused + $" (no connection within {connectTimeout.TotalMilliseconds:0} ms)");
        }
        catch (HttpRequestException e)
        {
            return new HttpExchange(null, Elapsed(started), null, $"no answer: {e.HttpRequestError}"); // its message names host and port: not in the evidence
        }
        catch (IOException)
        {
            // The answer broke off while its body was read: it may have been taken, as with no answer at all.
            return new HttpExchange(null, Elapsed(started), null, "no answer: it broke off while its body was read");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private double Elapsed(long started) => Math.Round(_wallClock.GetElapsedTime(started).TotalMilliseconds, 3);

    /// <summary>The answer's body, at most <see cref="HttpExchange.MaxBody"/> bytes of it: a receiver cannot make the mesh read more.</summary>
    private static async Task<byte[]> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[HttpExchange.MaxBody];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        return buffer[..total];
    }

    private double? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta.TotalSeconds,
        { Date: { } date } => Math.Max(0, (date - _wallClock.GetUtcNow()).TotalSeconds),
        _ => null,
    };

    /// <summary>Connects within the request's own connect timeout; a connection that does not come in time counts as refused.</summary>
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var limit = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutKey, out var t) ? t : TimeSpan.FromSeconds(2);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(limit);
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, connectTimeout.Token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"no connection to {context.DnsEndPoint} within {limit.TotalMilliseconds:0} ms");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
