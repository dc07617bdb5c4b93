using Dapper;
using Marketplace.Settlement;
using Marketplace.Settlement.Domain;
using Npgsql;

namespace Marketplace.Platform.Tests.Settlement;

/// <summary>
/// Settlement's rules that live in its database, on a real migrated settlement database: a reservation that expired
/// while the order's work was being prepared, the postings' copy of their transaction, and the payouts'
/// first-in-first-out spread that the operator report uses.
/// </summary>
[TestFixture]
public class LedgerRulesTests
{
    private NpgsqlDataSource _db = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _db = await TestDatabase.CreateAsync("ledger", typeof(SettlementModule).Assembly);

    [OneTimeTearDown]
    public async Task Dispose() => await _db.DisposeAsync();

    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private async Task InTransactionAsync(Func<NpgsqlTransaction, Task> work)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await work(tx);
        await tx.CommitAsync();
    }

    private async Task DepositAsync(Guid org, decimal amount) => await InTransactionAsync(tx =>
        Ledger.BookAsync(tx, new LedgerEntry($"deposit:{org}:{Guid.NewGuid()}", "deposit", null, T0,
            LedgerEntry.Transfer(AccountRef.Bank("CNY"), AccountRef.Wallet(org, "CNY"), amount))));

    private async Task<(decimal Balance, decimal Pending)> AccountAsync(AccountRef account)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<(decimal, decimal)>(
            "SELECT balance, pending FROM accounts WHERE code = @Code", new { account.Code });
    }

    /// <summary>Reserves, lets the reservation expire (as the expiry job does), then work starts.</summary>
    private async Task<EscrowFunding.Result?> ReserveExpireAndStartAsync(Guid org, Guid order, decimal budget, decimal spendMeanwhile)
    {
        await InTransactionAsync(tx => EscrowFunding.FundAsync(tx, $"escrow:{order}", order, org, budget, "CNY", T0, reserveUntil: T0.AddDays(14)));
        await InTransactionAsync(async tx =>
        {
            await Ledger.LockBalanceAsync(tx, AccountRef.Escrow(order, "CNY"));
            Assert.That(await EscrowFunding.VoidAsync(tx, order, "expired", T0.AddDays(15), onlyIfExpired: true), Is.Not.Null);
        });
        if (spendMeanwhile > 0)
            await InTransactionAsync(tx => EscrowFunding.FundAsync(tx, $"escrow:{Guid.NewGuid()}", Guid.NewGuid(), org, spendMeanwhile, "CNY", T0));
        EscrowFunding.Result? retaken = null;
        await InTransactionAsync(async tx => retaken = await EscrowFunding.PostAsync(tx, order, "CNY", T0.AddDays(15)));
        return retaken;
    }

    [Test]
    public async Task Work_that_starts_after_its_reservation_expired_takes_the_budget_from_the_wallet_again_once()
    {
        var (org, order) = (Guid.NewGuid(), Guid.NewGuid());
        await DepositAsync(org, 50.00m);

        var retaken = await ReserveExpireAndStartAsync(org, order, 12.3456m, spendMeanwhile: 0);
        EscrowFunding.Result? again = null;
        await InTransactionAsync(async tx => again = await EscrowFunding.PostAsync(tx, order, "CNY", T0.AddDays(16)));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(retaken?.Outcome, Is.EqualTo(EscrowFunding.Outcome.Funded));
            Assert.That(again?.Outcome, Is.EqualTo(EscrowFunding.Outcome.AlreadyFunded), "a second start moves nothing");
            Assert.That((await AccountAsync(AccountRef.Escrow(order, "CNY"))).Balance, Is.EqualTo(-12.3456m), "the escrow holds the budget once");
            Assert.That(await AccountAsync(AccountRef.Wallet(org, "CNY")), Is.EqualTo((-37.6544m, 0m)), "out of the wallet, nothing left reserved");
        });
    }

    [Test]
    public async Task Work_that_starts_after_its_reservation_expired_and_the_wallet_was_spent_moves_nothing_and_says_so()
    {
        var (org, order) = (Guid.NewGuid(), Guid.NewGuid());
        await DepositAsync(org, 20.00m);

        var retaken = await ReserveExpireAndStartAsync(org, order, 15.00m, spendMeanwhile: 10.00m);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(retaken?.Outcome, Is.EqualTo(EscrowFunding.Outcome.WalletShort));
            Assert.That(retaken?.Available, Is.EqualTo(10.00m));
            Assert.That((await AccountAsync(AccountRef.Escrow(order, "CNY"))).Balance, Is.EqualTo(0m));
            Assert.That((await AccountAsync(AccountRef.Wallet(org, "CNY"))).Balance, Is.EqualTo(-10.00m));
        });
    }

    [Test]
    public async Task A_posting_carries_its_transactions_report_time_kind_and_order()
    {
        var (org, order) = (Guid.NewGuid(), Guid.NewGuid());
        await DepositAsync(org, 5.00m);
        await InTransactionAsync(tx => EscrowFunding.FundAsync(tx, $"escrow:{order}", order, org, 5.00m, "CNY", T0.AddHours(3)));

        await using var connection = await _db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(DateTime Reported, string Kind, Guid? Order, DateTime TxReported, string TxKind, Guid? TxOrder)>("""
            SELECT p.reported_at, p.tx_kind, p.order_id, t.reported_at, t.kind, t.order_id
            FROM postings p JOIN ledger_transactions t ON t.id = p.transaction_id
            WHERE t.order_id = @order
            """, new { order })).ToList();
        Assert.That(rows, Has.Count.EqualTo(2));
        Assert.That(rows, Has.All.Matches<(DateTime Reported, string Kind, Guid? Order, DateTime TxReported, string TxKind, Guid? TxOrder)>(
            r => r.Reported == r.TxReported && r.Kind == r.TxKind && r.Order == r.TxOrder && r.Kind == "escrow" && r.Order == order));
    }

    [Test]
    public async Task Payouts_settle_a_workers_oldest_earnings_first_and_what_is_owed_is_the_latest()
    {
        // Earnings of 3.00 (order A), 2.00 (B), 4.00 (C), in that order; 4.50 paid in the period, 4.50 owed at its end.
        // Walking back from the end: C's 4.00 and 0.50 of B are owed; the rest of B (1.50) and all of A (3.00) were paid.
        var worker = Guid.NewGuid();
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var payable = AccountRef.WorkerPayable(worker, "CNY");
        var earned = new[] { (a, 3.00m), (b, 2.00m), (c, 4.00m) };
        for (var i = 0; i < earned.Length; i++)
        {
            var (order, amount) = earned[i];
            await InTransactionAsync(tx => Ledger.BookAsync(tx, new LedgerEntry($"approval:{Guid.NewGuid()}", "approval", order, T0.AddHours(i),
                LedgerEntry.Transfer(AccountRef.Bank("CNY"), payable, amount))));
        }
        await InTransactionAsync(tx => Ledger.BookAsync(tx, new LedgerEntry($"payout:{Guid.NewGuid()}", "payout", null, T0.AddHours(5),
            LedgerEntry.Transfer(payable, AccountRef.Bank("CNY"), 4.50m))));

        await using var connection = await _db.OpenConnectionAsync();
        var id = await connection.ExecuteScalarAsync<Guid>("SELECT id FROM accounts WHERE code = @Code", new { payable.Code });
        var spread = (await connection.QueryAsync<(Guid? OrderId, decimal Owed, decimal Paid)>(
            "SELECT order_id, owed, paid FROM payables_first_in_first_out(@to, @ids, @owed, @paid)",
            new { to = T0.AddDays(1).UtcDateTime, ids = new[] { id }, owed = new[] { 4.50m }, paid = new[] { 4.50m } })).ToList();

        Assert.That(spread, Is.EqualTo(new[] { ((Guid?)c, 4.00m, 0m), (b, 0.50m, 1.50m), (a, 0m, 3.00m) }));
    }
}
