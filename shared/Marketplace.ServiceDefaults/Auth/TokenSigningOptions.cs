using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.ServiceDefaults.Auth;

/// <summary>
/// The gateway's private key for user tokens (section "Auth:Signing"): ES256, the base64 of a PKCS#8 P-256 key, and the
/// id its public key is listed under in every service's Auth:PublicKeys. No other service is given it.
/// </summary>
public sealed class TokenSigningOptions
{
    public string KeyId { get; set; } = "";
    public string PrivateKey { get; set; } = "";

    public ECDsaSecurityKey Key()
    {
        if (string.IsNullOrWhiteSpace(KeyId)) throw new InvalidOperationException("Auth:Signing:KeyId is not configured");
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(PrivateKey), out _);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            throw new InvalidOperationException("Auth:Signing:PrivateKey is not the base64 of a PKCS#8 private key", e);
        }
        if (ecdsa.KeySize != 256) throw new InvalidOperationException("Auth:Signing:PrivateKey is not a P-256 key");
        return new ECDsaSecurityKey(ecdsa) { KeyId = KeyId };
    }

    /// <summary>The public half, as listed in Auth:PublicKeys (base64 SubjectPublicKeyInfo).</summary>
    public string PublicKeyBase64() => Convert.ToBase64String(Key().ECDsa.ExportSubjectPublicKeyInfo());
}
