using Dapper;
using MassTransit;
using Marketplace.Contracts.Payouts;
using Marketplace.ServiceDefaults.Messaging;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Settlement.Consumers;

/// <summary>The vendor's bank account as payouts holds it (masked): a withdrawal needs one. The newest wins.</summary>
public sealed class VendorPayoutAccountSetConsumer(NpgsqlDataSource db) : IConsumer<VendorPayoutAccountSet>
{
    public Task Consume(ConsumeContext<VendorPayoutAccountSet> context)
    {
        var set = context.Message;
        return db.ApplyOnceAsync(context, nameof(VendorPayoutAccountSetConsumer), tx => tx.Connection!.ExecuteAsync("""
            INSERT INTO vendor_payout_accounts (vendor_org_id, masked, holder, set_at) VALUES (@VendorOrgId, @Masked, @HolderName, @at)
            ON CONFLICT (vendor_org_id) DO UPDATE SET masked = EXCLUDED.masked, holder = EXCLUDED.holder, set_at = EXCLUDED.set_at
            WHERE vendor_payout_accounts.set_at <= EXCLUDED.set_at
            """, new { set.VendorOrgId, set.Masked, set.HolderName, at = set.OccurredAt.UtcDateTime }, tx));
    }
}

/// <summary>The account a withdrawal was held in: a vendor's payable, or an enterprise's wallet (the same path for both).</summary>
internal static class WithdrawalSource
{
    public static async Task<AccountRef?> LockAsync(NpgsqlTransaction tx, Guid withdrawalId, Guid orgId, string currency)
    {
        var source = await tx.Connection!.ExecuteScalarAsync<string?>("SELECT source FROM vendor_withdrawals WHERE id = @withdrawalId",
            new { withdrawalId }, tx);
        if (source is null) return null;
        var account = source == "wallet" ? AccountRef.Wallet(orgId, currency) : AccountRef.VendorPayable(orgId, currency);
        await Ledger.LockBalanceAsync(tx, account);
        return account;
    }
}

/// <summary>The bank paid the withdrawal: the hold goes and the money leaves the payable (or wallet) for the bank.</summary>
public sealed class VendorWithdrawalSentConsumer(NpgsqlDataSource db) : IConsumer<VendorWithdrawalSent>
{
    public Task Consume(ConsumeContext<VendorWithdrawalSent> context)
    {
        var sent = context.Message;
        return db.ApplyOnceAsync(context, nameof(VendorWithdrawalSentConsumer), async tx =>
        {
            if (await WithdrawalSource.LockAsync(tx, sent.WithdrawalId, sent.VendorOrgId, sent.Currency) is not { } payable) return;
            // Only a pending withdrawal moves (a second confirmation finds it sent); the hold goes before the booking so
            // the payable never shows more promised than it holds.
            var moved = await tx.Connection!.ExecuteAsync("""
                UPDATE vendor_withdrawals SET status = 'sent', rail_reference = @RailReference, completed_at = now()
                WHERE id = @WithdrawalId AND status = 'pending';
                """, new { sent.WithdrawalId, sent.RailReference }, tx);
            if (moved == 0) return;
            await tx.Connection!.ExecuteAsync("UPDATE accounts SET pending = pending - @Amount WHERE code = @Code",
                new { sent.Amount, payable.Code }, tx);
            await Ledger.BookAsync(tx, new LedgerEntry($"withdrawal:{sent.WithdrawalId}", "withdrawal", null, sent.OccurredAt,
                LedgerEntry.Transfer(payable, AccountRef.Bank(sent.Currency), sent.Amount)));
        });
    }
}

/// <summary>The bank declined the withdrawal: the held money is the organisation's to withdraw (or spend) again.</summary>
public sealed class VendorWithdrawalFailedConsumer(NpgsqlDataSource db) : IConsumer<VendorWithdrawalFailed>
{
    public Task Consume(ConsumeContext<VendorWithdrawalFailed> context)
    {
        var failed = context.Message;
        return db.ApplyOnceAsync(context, nameof(VendorWithdrawalFailedConsumer), async tx =>
        {
            if (await WithdrawalSource.LockAsync(tx, failed.WithdrawalId, failed.VendorOrgId, failed.Currency) is not { } payable) return;
            var moved = await tx.Connection!.ExecuteAsync("""
                UPDATE vendor_withdrawals SET status = 'failed', failure_reason = @Reason, completed_at = now()
                WHERE id = @WithdrawalId AND status = 'pending'
                """, new { failed.WithdrawalId, failed.Reason }, tx);
            if (moved == 0) return;
            await tx.Connection!.ExecuteAsync("UPDATE accounts SET pending = pending - @Amount WHERE code = @Code",
                new { failed.Amount, payable.Code }, tx);
        });
    }
}
