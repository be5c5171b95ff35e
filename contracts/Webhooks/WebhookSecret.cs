using System.Security.Cryptography;

namespace ApexOrleans.Contracts.Webhooks;

/// <summary>
/// The shared secret of Standard Webhooks signatures: written <c>whsec_&lt;base64&gt;</c>. Its text is never what
/// <see cref="ToString"/> gives, so a secret that reaches a log or a bundle by mistake shows as redacted.
/// </summary>
public sealed class WebhookSecret
{
    /// <summary>The prefix of a secret's text.</summary>
    public const string Prefix = "whsec_";

    /// <summary>Where the CLI and the silo read a secret given neither on the command line nor in configuration.</summary>
    public const string EnvironmentVariable = "APEX_WEBHOOK_SECRET";

    private WebhookSecret(byte[] key) => Key = key;

    /// <summary>The HMAC key.</summary>
    internal byte[] Key { get; }

    /// <summary>Reads <c>whsec_&lt;base64&gt;</c> (24 to 64 bytes of key); the error says what is wrong, never the text.</summary>
    public static WebhookSecret Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException($"a webhook secret is written {Prefix}<base64>");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(text[Prefix.Length..]);
        }
        catch (FormatException)
        {
            throw new FormatException($"a webhook secret is {Prefix} followed by base64, and this one's tail is not base64");
        }

        if (key.Length is < 24 or > 64)
        {
            throw new FormatException($"a webhook secret's key is 24 to 64 bytes, not {key.Length}");
        }

        return new WebhookSecret(key);
    }

    /// <summary>A new random secret of 32 bytes.</summary>
    public static WebhookSecret Generate() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>The secret's text, to give to a receiver; only for the one place that shows it on purpose.</summary>
    public string Reveal() => Prefix + Convert.ToBase64String(Key);

    /// <inheritdoc />
    public override string ToString() => Prefix + "(redacted)";
}
