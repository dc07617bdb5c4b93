namespace Marketplace.Contracts.Payouts;

/// <summary>Event (payouts): a vendor organisation set the company bank account it withdraws to (Masked is what is shown).</summary>
public record VendorPayoutAccountSet(Guid VendorOrgId, string Masked, string HolderName, DateTimeOffset OccurredAt);

/// <summary>
/// Command (settlement → payouts): pay Amount of a vendor's payable to its bank account through the payment rail, once per
/// WithdrawalId. Settlement holds the amount out of the vendor's available balance until payouts answers.
/// </summary>
public record SendVendorWithdrawal(Guid WithdrawalId, Guid VendorOrgId, decimal Amount, string Currency, DateTimeOffset OccurredAt);

/// <summary>Event (payouts): the bank confirmed the vendor's withdrawal; settlement books vendor payable → bank.</summary>
public record VendorWithdrawalSent(Guid WithdrawalId, Guid VendorOrgId, decimal Amount, string Currency, string RailReference, DateTimeOffset OccurredAt);

/// <summary>Event (payouts): the bank declined the withdrawal (or there was no account to pay): the held money is the vendor's again.</summary>
public record VendorWithdrawalFailed(Guid WithdrawalId, Guid VendorOrgId, decimal Amount, string Currency, string Reason, DateTimeOffset OccurredAt);

/// <summary>What payouts sent a vendor's bank before the watermark (reconciliation compares it with the ledger's withdrawals).</summary>
public record VendorWithdrawalTotal(Guid VendorOrgId, string Currency, decimal Sent, bool SentNearWatermark);
