using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.ServiceDefaults.Auth;

/// <summary>
/// How every service checks a user token: ES256 signatures by the gateway, checked against the public keys listed
/// here (the "Auth" section). Only the gateway holds a private key (<see cref="TokenSigningOptions"/>); a service can
/// check a token but never make one. Rotation: list the new public key beside the old one everywhere, switch the
/// gateway to the new private key, and remove the old public key once the last token signed with it has expired
/// (<see cref="TokenLifetime"/>). See docs/security.md.
/// </summary>
public sealed class AuthOptions
{
    public const string Issuer = "marketplace-gateway";
    public const string Audience = "marketplace";

    /// <summary>The public keys a token may be signed with: each a key id and the base64 of its SubjectPublicKeyInfo (P-256).</summary>
    public List<PublicKey> PublicKeys { get; set; } = [];

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    public sealed class PublicKey
    {
        public string Id { get; set; } = "";
        public string Key { get; set; } = "";
    }

    /// <summary>The listed keys as signature-checking keys; throws naming the first that is not a P-256 public key.</summary>
    public IReadOnlyList<SecurityKey> SigningKeys()
    {
        if (PublicKeys.Count == 0) throw new InvalidOperationException("Auth:PublicKeys lists no key");
        return PublicKeys.Select(k =>
        {
            if (string.IsNullOrWhiteSpace(k.Id)) throw new InvalidOperationException("Auth:PublicKeys has a key without an Id");
            var ecdsa = ECDsa.Create();
            try
            {
                ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(k.Key), out _);
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                throw new InvalidOperationException($"Auth:PublicKeys '{k.Id}' is not the base64 of a public key", e);
            }
            if (ecdsa.KeySize != 256) throw new InvalidOperationException($"Auth:PublicKeys '{k.Id}' is not a P-256 key");
            return (SecurityKey)new ECDsaSecurityKey(ecdsa) { KeyId = k.Id };
        }).ToList();
    }
}
