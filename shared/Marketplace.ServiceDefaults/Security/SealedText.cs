using System.Security.Cryptography;
using System.Text;

namespace Marketplace.ServiceDefaults.Security;

/// <summary>
/// Text sealed at rest: AES-256-GCM under a key derived (HKDF-SHA256) from a service's own secret for one purpose, bound
/// to its owner (the owner's id is the associated data, so a sealed value copied to another owner's row does not open).
/// Layout: version (1) | nonce (12) | tag (16) | ciphertext. Used for payout account numbers and model backends' secrets.
/// </summary>
public sealed class SealedText(Func<byte[]> secret, string purpose)
{
    private const byte Version = 1;
    private const int Header = 1 + 12 + 16;
    private readonly Lazy<byte[]> _key = new(() => HKDF.DeriveKey(HashAlgorithmName.SHA256, secret(), 32, info: Encoding.UTF8.GetBytes(purpose)));

    public byte[] Seal(string text, Guid owner)
    {
        var plain = Encoding.UTF8.GetBytes(text);
        var sealedBytes = new byte[Header + plain.Length];
        sealedBytes[0] = Version;
        var nonce = sealedBytes.AsSpan(1, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key.Value, 16);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(Header), sealedBytes.AsSpan(13, 16), owner.ToByteArray());
        return sealedBytes;
    }

    /// <exception cref="CryptographicException">Not sealed by this key for this owner.</exception>
    public string Open(byte[] sealedBytes, Guid owner)
    {
        if (sealedBytes.Length < Header || sealedBytes[0] != Version) throw new CryptographicException($"Not a sealed {purpose} value.");
        var plain = new byte[sealedBytes.Length - Header];
        using var aes = new AesGcm(_key.Value, 16);
        aes.Decrypt(sealedBytes.AsSpan(1, 12), sealedBytes.AsSpan(Header), sealedBytes.AsSpan(13, 16), plain, owner.ToByteArray());
        return Encoding.UTF8.GetString(plain);
    }
}
