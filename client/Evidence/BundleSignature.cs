using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ApexOrleans.Client.Evidence;

/// <summary>signature.json: the SHA-256 of every other file of the bundle, and an HMAC-SHA256 of that list with the signer's key.</summary>
public sealed record SignatureFile(string Algorithm, string KeyId, IReadOnlyDictionary<string, string> Files, string Signature);

/// <summary>
/// Who made a bundle: <c>apex run --sign-key FILE</c> signs every file of it with a secret key (HMAC-SHA256), and
/// <c>apex verify --key FILE</c> checks the signature with the same key. The digest proves a bundle is intact and,
/// replayed, that it is what its scenario and seed do; only a signature proves it came from a holder of the key.
/// </summary>
public static class BundleSignature
{
    /// <summary>The file that holds the signature.</summary>
    public const string File = "signature.json";

    /// <summary>The one algorithm: a keyed hash, so the verifier holds the signer's key.</summary>
    public const string Algorithm = "HMAC-SHA256";

    /// <summary>The shortest key taken: 32 bytes, the hash's own size.</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>Reads a key file; a missing or short one is bad input.</summary>
    public static byte[] ReadKey(string path, string option)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new ArgumentException($"{option} {path}: no such file.");
        }

        var key = System.IO.File.ReadAllBytes(path);
        return key.Length >= MinimumKeyBytes
            ? key
            : throw new ArgumentException($"{option} {path}: a key of at least {MinimumKeyBytes} bytes is needed (it has {key.Length}); make one with: head -c 32 /dev/urandom > {path}");
    }

    /// <summary>The signature of <paramref name="contents"/> (every file but the signature itself) with <paramref name="key"/>.</summary>
    public static string Sign(IReadOnlyDictionary<string, string> contents, byte[] key)
    {
        var files = Hashes(contents);
        var signature = new SignatureFile(Algorithm, KeyId(key), files, Convert.ToBase64String(HMACSHA256.HashData(key, Payload(files))));
        return JsonSerializer.Serialize(signature, BundleJson.Indented);
    }

    /// <summary>Why the bundle's signature does not hold for <paramref name="key"/>; null when it does.</summary>
    public static string? Check(IReadOnlyDictionary<string, string> contents, byte[] key)
    {
        if (!contents.TryGetValue(File, out var text))
        {
            return "the bundle is not signed (it has no signature.json)";
        }

        var claimed = JsonSerializer.Deserialize<SignatureFile>(text, BundleJson.Options);
        if (claimed is null || claimed.Algorithm != Algorithm)
        {
            return $"signature.json is not an {Algorithm} signature";
        }

        if (claimed.KeyId != KeyId(key))
        {
            return $"signed with key {claimed.KeyId}, not with the key given ({KeyId(key)})";
        }

        var files = Hashes(contents);
        var changed = files.Keys.Union(claimed.Files.Keys).Order(StringComparer.Ordinal)
            .Where(f => files.GetValueOrDefault(f) != claimed.Files.GetValueOrDefault(f)).ToList();
        if (changed.Count > 0)
        {
            return $"changed since it was signed: {string.Join(", ", changed)}";
        }

        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, Payload(files)), Convert.FromBase64String(claimed.Signature))
            ? null : "the signature does not match the files with this key";
    }

    /// <summary>A short public name of a key: the start of its SHA-256.</summary>
    private static string KeyId(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..16];

    private static SortedDictionary<string, string> Hashes(IReadOnlyDictionary<string, string> contents) =>
        new(contents.Where(c => c.Key != File).ToDictionary(c => c.Key, c => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(c.Value)))),
            StringComparer.Ordinal);

    private static byte[] Payload(SortedDictionary<string, string> files) =>
        Encoding.UTF8.GetBytes(string.Concat(files.Select(f => $"{f.Key} {f.Value}\n")));
}
