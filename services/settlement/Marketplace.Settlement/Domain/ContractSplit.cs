namespace Marketplace.Settlement.Domain;

/// <summary>One sub-contract: vendor From owes vendor To its Price out of From's income from the order.</summary>
public sealed record Subcontract(Guid FromVendorOrgId, Guid ToVendorOrgId, decimal Price);

/// <summary>
/// How an accepted contract's price is shared. Penalty goes back to the enterprise, Fee to the platform, and each vendor
/// of the chain receives its income less what it already spent (its work packages' approvals, paid from escrow as they
/// came) and less the sub-contracts it gave. Shares sum to the price exactly: price = penalty + fee + Σ spend + Σ receivable.
/// </summary>
public sealed record ContractShares(decimal Penalty, decimal Fee, IReadOnlyDictionary<Guid, decimal> Receivables);

/// <summary>
/// The contract's split, pure. Rules (docs/decisions.md, "Contracts' money"):
/// - the fee is the order's FeePercent of the price after penalty, rounded half away from zero to the fen, at least the
///   order's MinimumFee (the rule crowd orders follow too) and never more than the price after penalty;
/// - the top vendor bears the whole penalty and the whole fee: a sub-contract is a price two vendors agreed, the
///   enterprise's terms are the top vendor's;
/// - every vendor's receivable is its income (the top vendor: price − penalty − fee; a sub-vendor: its sub-contracts'
///   prices) less its own package spend, less the sub-contracts it gave. It can be negative when a vendor spent more than
///   it earned: the vendor then owes the platform (its payable is debited), and the ledger still balances.
/// </summary>
public static class ContractSplit
{
    public const int FenScale = 2;

    /// <summary>The shared rule (<see cref="Marketplace.Labeling.Money.ContractFee"/>): orders' spending guard uses it too.</summary>
    public static decimal Fee(decimal priceAfterPenalty, decimal feePercent, decimal minimumFee) =>
        Marketplace.Labeling.Money.ContractFee.Of(priceAfterPenalty, feePercent, minimumFee);

    /// <param name="price">The contract price (what escrow held for it).</param>
    /// <param name="penalty">The late penalty (LatePenalty.Amount), at most the price.</param>
    /// <param name="topVendorOrgId">The vendor holding the contract.</param>
    /// <param name="packageSpend">What each vendor's work packages' approvals already took from escrow.</param>
    /// <param name="subcontracts">Every sub-contract of the order, at any tier.</param>
    public static ContractShares Split(decimal price, decimal penalty, decimal feePercent, decimal minimumFee, Guid topVendorOrgId,
        IReadOnlyDictionary<Guid, decimal> packageSpend, IReadOnlyList<Subcontract> subcontracts)
    {
        if (price <= 0) throw new ArgumentOutOfRangeException(nameof(price));
        if (penalty < 0 || penalty > price) throw new ArgumentOutOfRangeException(nameof(penalty));
        if (subcontracts.Any(s => s.Price < 0 || s.FromVendorOrgId == s.ToVendorOrgId))
            throw new ArgumentException("A sub-contract has a price of zero or more between two vendors", nameof(subcontracts));
        if (subcontracts.Any(s => s.ToVendorOrgId == topVendorOrgId))
            throw new ArgumentException("The contract's vendor cannot be its own sub-vendor", nameof(subcontracts));

        var fee = Fee(price - penalty, feePercent, minimumFee);
        var vendors = new[] { topVendorOrgId }.Concat(subcontracts.Select(s => s.ToVendorOrgId)).Concat(packageSpend.Keys).Distinct();
        var receivables = new Dictionary<Guid, decimal>();
        foreach (var vendor in vendors)
        {
            var income = vendor == topVendorOrgId
                ? price - penalty - fee
                : subcontracts.Where(s => s.ToVendorOrgId == vendor).Sum(s => s.Price);
            var given = subcontracts.Where(s => s.FromVendorOrgId == vendor).Sum(s => s.Price);
            receivables[vendor] = income - packageSpend.GetValueOrDefault(vendor) - given;
        }
        return new ContractShares(penalty, fee, receivables);
    }
}
