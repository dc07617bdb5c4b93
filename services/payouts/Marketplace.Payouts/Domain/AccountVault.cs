using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Marketplace.Payouts.Domain;

/// <summary>
/// Keeps payout account numbers sealed at rest: AES-256-GCM under a key derived from <c>Payouts:AccountKey</c>, a secret
/// held by payouts alone and kept outside the database (.data/secrets.env). Each sealed number is bound to its owner
/// (the worker or vendor organisation id is the associated data), so a sealed value copied to another row does not open.
/// Layout: version (1) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class AccountVault(IOptions<PayoutOptions> options)
{
    private const byte Version = 1;
    private readonly Lazy<byte[]> _key = new(() => HKDF.DeriveKey(HashAlgorithmName.SHA256, options.Value.AccountKeyBytes(), 32,
        info: Encoding.UTF8.GetBytes("marketplace/payouts/account-number")));

    public byte[] Seal(string account, Guid owner)
    {
        var plain = Encoding.UTF8.GetBytes(account);
        var sealedBytes = new byte[1 + 12 + 16 + plain.Length];
        sealedBytes[0] = Version;
        var nonce = sealedBytes.AsSpan(1, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key.Value, 16);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(29), sealedBytes.AsSpan(13, 16), owner.ToByteArray());
        return sealedBytes;
    }

    public string Open(byte[] sealedBytes, Guid owner)
    {
        if (sealedBytes.Length < 29 || sealedBytes[0] != Version) throw new CryptographicException("Not a sealed account number.");
        var plain = new byte[sealedBytes.Length - 29];
        using var aes = new AesGcm(_key.Value, 16);
        aes.Decrypt(sealedBytes.AsSpan(1, 12), sealedBytes.AsSpan(29), sealedBytes.AsSpan(13, 16), plain, owner.ToByteArray());
        return Encoding.UTF8.GetString(plain);
    }
}
