using Marketplace.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace Marketplace.Payouts.Domain;

/// <summary>
/// Keeps payout account numbers sealed at rest: AES-256-GCM under a key derived from <c>Payouts:AccountKey</c>, a secret
/// held by payouts alone and kept outside the database (.data/secrets.env), bound to its owner (the worker or vendor
/// organisation id): <see cref="SealedText"/>.
/// </summary>
public sealed class AccountVault(IOptions<PayoutOptions> options)
{
    private readonly SealedText _sealed = new(() => options.Value.AccountKeyBytes(), "marketplace/payouts/account-number");

    public byte[] Seal(string account, Guid owner) => _sealed.Seal(account, owner);

    public string Open(byte[] sealedBytes, Guid owner) => _sealed.Open(sealedBytes, owner);
}
