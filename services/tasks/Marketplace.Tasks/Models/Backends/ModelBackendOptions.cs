using System.Security.Cryptography;
using System.Text;
using Marketplace.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace Marketplace.Tasks.Models.Backends;

/// <summary>External model backends' settings ("Tasks:ModelBackends" in configuration).</summary>
public sealed class ModelBackendOptions
{
    /// <summary>Base64 of at least 32 bytes, held by tasks only: seals the backends' secrets at rest. Without it no backend can be registered.</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>http://127.0.0.1 and other loopback addresses (tests and demos on one machine). Off in production: the
    /// services themselves listen on loopback.</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Private (10/8, 172.16/12, 192.168/16, fc00::/7) backends, for a platform run inside a company network.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long one call to a backend may take; a backend slower than this is failing.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often due backends are called (a prediction batch and a training batch each).</summary>
    public TimeSpan RoundInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Items per /predict call and accepted labels per training round.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>The wait after a first failure; it doubles with each further one, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Failures in a row that open the circuit: the backend then rests <see cref="CircuitOpenFor"/> before one trial call.</summary>
    public int FailuresToOpenCircuit { get; set; } = 5;

    public TimeSpan CircuitOpenFor { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The largest answer read from a backend, and the largest body it may push.</summary>
    public int MaxBodyBytes { get; set; } = 1_000_000;

    /// <summary>The platform's public address (https://...), so an image item's signed link is one a backend can fetch; without it links are relative.</summary>
    public string PublicBaseUrl { get; set; } = "";

    public byte[] SecretKeyBytes()
    {
        if (string.IsNullOrWhiteSpace(SecretKey)) throw new InvalidOperationException("Tasks:ModelBackends:SecretKey is not configured");
        var bytes = Convert.FromBase64String(SecretKey);
        return bytes.Length >= 32 ? bytes : throw new InvalidOperationException("Tasks:ModelBackends:SecretKey must be at least 32 bytes");
    }
}

/// <summary>
/// Keeps backend secrets sealed at rest under a key derived from Tasks:ModelBackends:SecretKey, bound to the order
/// (<see cref="SealedText"/>).
/// </summary>
public sealed class BackendSecrets(IOptions<ModelBackendOptions> options)
{
    private readonly SealedText _sealed = new(() => options.Value.SecretKeyBytes(), "marketplace/tasks/model-backend-secret");

    public bool Configured => !string.IsNullOrWhiteSpace(options.Value.SecretKey);

    public byte[] Seal(string secret, Guid orderId) => _sealed.Seal(secret, orderId);

    public string Open(byte[] sealedBytes, Guid orderId) => _sealed.Open(sealedBytes, orderId);
}

/// <summary>
/// The signature on every call between the platform and a backend, both ways: X-Marketplace-Timestamp (Unix seconds) and
/// X-Marketplace-Signature: sha256=&lt;hex HMAC-SHA256 of "{timestamp}.{body}" with the backend's secret&gt;.
/// </summary>
public static class BackendSignature
{
    public const string TimestampHeader = "X-Marketplace-Timestamp";
    public const string SignatureHeader = "X-Marketplace-Signature";
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes($"{timestamp}.");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <returns>null when the headers sign the body now, else why not.</returns>
    public static string? Check(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature)) return $"Send {TimestampHeader} and {SignatureHeader}.";
        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var when))
            return $"{TimestampHeader} must be Unix seconds.";
        if (Math.Abs(now.ToUnixTimeSeconds() - when) > MaxAge.TotalSeconds) return $"{TimestampHeader} is more than 5 minutes from now.";
        var expected = Encoding.ASCII.GetBytes(Sign(secret, when, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature))
            ? null : $"{SignatureHeader} does not sign this body.";
    }
}
