using Dapper;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Settlement.Domain;

public enum AccountKind { Bank, Wallet, Escrow, WorkerPayable, PlatformFee, VendorPayable }

/// <summary>An account is named by what it is for, e.g. wallet:&lt;org&gt;:CNY or escrow:&lt;order&gt;:CNY.</summary>
public sealed record AccountRef(AccountKind Kind, Guid? OwnerId, string Currency)
{
    public static AccountRef Bank(string currency) => new(AccountKind.Bank, null, currency);
    public static AccountRef PlatformFees(string currency) => new(AccountKind.PlatformFee, null, currency);
    public static AccountRef Wallet(Guid orgId, string currency) => new(AccountKind.Wallet, orgId, currency);
    public static AccountRef Escrow(Guid orderId, string currency) => new(AccountKind.Escrow, orderId, currency);
    public static AccountRef WorkerPayable(Guid workerId, string currency) => new(AccountKind.WorkerPayable, workerId, currency);
    /// <summary>What the platform owes a vendor organisation from its accepted contracts, less its withdrawals.</summary>
    public static AccountRef VendorPayable(Guid vendorOrgId, string currency) => new(AccountKind.VendorPayable, vendorOrgId, currency);

    public string KindName => Kind switch
    {
        AccountKind.Bank => "bank",
        AccountKind.Wallet => "wallet",
        AccountKind.Escrow => "escrow",
        AccountKind.WorkerPayable => "worker_payable",
        AccountKind.PlatformFee => "platform_fee",
        AccountKind.VendorPayable => "vendor_payable",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
    };

    public string Code => OwnerId is null ? $"{KindName}:{Currency}" : $"{KindName}:{OwnerId}:{Currency}";
}

/// <summary>One leg of a transfer: positive debits the account, negative credits it.</summary>
public sealed record Posting(AccountRef Account, decimal Amount);

public sealed record LedgerEntry(string BusinessKey, string Kind, Guid? OrderId, DateTimeOffset OccurredAt, IReadOnlyList<Posting> Postings)
{
    /// <summary>A transfer of <paramref name="amount"/> from one account to another.</summary>
    public static IReadOnlyList<Posting> Transfer(AccountRef from, AccountRef to, decimal amount) =>
        [new Posting(from, amount), new Posting(to, -amount)];
}

public static class Ledger
{
    /// <summary>
    /// Books an entry in the caller's transaction. The business key is unique: booking the same business fact twice
    /// is a no-op that returns null. Balances are updated in account-code order so concurrent bookings cannot deadlock.
    /// </summary>
    public static async Task<Guid?> BookAsync(NpgsqlTransaction tx, LedgerEntry entry)
    {
        var legs = entry.Postings.Where(p => p.Amount != 0).ToList();
        if (legs.Count == 0) throw new InvalidOperationException("A ledger entry needs at least one non-zero posting");
        if (legs.Sum(p => p.Amount) != 0) throw new InvalidOperationException($"Ledger entry {entry.BusinessKey} does not balance");
        if (legs.Select(p => p.Account.Currency).Distinct().Count() != 1)
            throw new InvalidOperationException("A ledger entry moves one currency");

        var connection = tx.Connection!;
        var id = Guid.CreateVersion7();
        var inserted = await connection.ExecuteAsync("""
            INSERT INTO ledger_transactions (id, business_key, kind, order_id, correlation_id, occurred_at)
            VALUES (@id, @BusinessKey, @Kind, @OrderId, @correlationId, @occurredAt)
            ON CONFLICT (business_key) DO NOTHING
            """, new { id, entry.BusinessKey, entry.Kind, entry.OrderId, correlationId = Correlation.Current, occurredAt = entry.OccurredAt.ToUniversalTime() }, tx);
        if (inserted == 0) return null;

        foreach (var leg in legs.GroupBy(p => p.Account).Select(g => new Posting(g.Key, g.Sum(p => p.Amount)))
                     .Where(p => p.Amount != 0).OrderBy(p => p.Account.Code, StringComparer.Ordinal))
        {
            var accountId = await EnsureAccountAsync(tx, leg.Account);
            await connection.ExecuteAsync("""
                INSERT INTO postings (transaction_id, account_id, amount, currency) VALUES (@id, @accountId, @Amount, @Currency);
                UPDATE accounts SET balance = balance + @Amount WHERE id = @accountId;
                """, new { id, accountId, leg.Amount, leg.Account.Currency }, tx);
        }
        return id;
    }

    public static async Task<Guid> EnsureAccountAsync(NpgsqlTransaction tx, AccountRef account)
    {
        const string sql = """
            INSERT INTO accounts (id, code, kind, owner_id, currency) VALUES (@id, @Code, @KindName, @OwnerId, @Currency)
            ON CONFLICT (code) DO NOTHING;
            SELECT id FROM accounts WHERE code = @Code;
            """;
        return await tx.Connection!.ExecuteScalarAsync<Guid>(sql, new
        {
            id = Guid.CreateVersion7(), account.Code, account.KindName, account.OwnerId, account.Currency,
        }, tx);
    }

    /// <summary>Locks the account for the rest of the transaction and returns its signed balance.</summary>
    public static async Task<decimal> LockBalanceAsync(NpgsqlTransaction tx, AccountRef account)
    {
        var id = await EnsureAccountAsync(tx, account);
        return await tx.Connection!.ExecuteScalarAsync<decimal>(
            "SELECT balance FROM accounts WHERE id = @id FOR UPDATE", new { id }, tx);
    }

    /// <summary>Locks a credit-normal account (a wallet) and returns what it can spend: its credit less what it has reserved.</summary>
    public static async Task<decimal> LockAvailableAsync(NpgsqlTransaction tx, AccountRef account)
    {
        var id = await EnsureAccountAsync(tx, account);
        return await tx.Connection!.ExecuteScalarAsync<decimal>(
            "SELECT -balance - pending FROM accounts WHERE id = @id FOR UPDATE", new { id }, tx);
    }
}
