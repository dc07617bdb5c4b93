namespace Marketplace.ServiceDefaults.Auth;

public sealed class AuthOptions
{
    public const string Issuer = "marketplace-gateway";
    public const string Audience = "marketplace";

    /// <summary>Base64 of at least 32 random bytes, shared by the gateway (which signs) and every service (which validates).</summary>
    public string SigningKey { get; set; } = "";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    public byte[] KeyBytes()
    {
        if (string.IsNullOrWhiteSpace(SigningKey))
            throw new InvalidOperationException("Auth:SigningKey is not configured");
        var bytes = Convert.FromBase64String(SigningKey);
        if (bytes.Length < 32) throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes");
        return bytes;
    }
}
