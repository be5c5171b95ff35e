using System.Security.Cryptography;
using System.Text;

namespace ApexOrleans.Contracts.Webhooks;

/// <summary>
/// The Standard Webhooks signature: <c>v1,</c> and the base64 HMAC-SHA256, under the secret's key, of
/// <c>{id}.{timestamp}.{body}</c>. A receiver checks it in constant time and refuses a timestamp outside its tolerance.
/// </summary>
public static class WebhookSignature
{
    /// <summary>How far a timestamp may be from the receiver's clock (the spec's suggestion).</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The signature header's value for one message.</summary>
    public static string Sign(WebhookSecret secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(secret.Key, signed));
    }

    /// <summary>
    /// Why the headers do not prove <paramref name="body"/> came from the secret's holder at about <paramref name="now"/>, or
    /// null when they do: one of the header's <c>v1</c> signatures matches, and the timestamp is within <paramref name="tolerance"/>.
    /// </summary>
    public static string? Refusal(WebhookSecret secret, string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return $"the {WebhookHeaders.Id}, {WebhookHeaders.Timestamp} and {WebhookHeaders.Signature} headers are required";
        }

        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return $"{WebhookHeaders.Timestamp} is not whole seconds since the epoch";
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return $"{WebhookHeaders.Timestamp} is more than {tolerance.TotalSeconds:0} s from this receiver's clock";
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, id, seconds, body));
        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(candidate)))
            {
                return null;
            }
        }

        return $"no {WebhookHeaders.Signature} matches the body under this receiver's secret";
    }
}
