using Dapper;
using Marketplace.ServiceDefaults.Jobs;
using Npgsql;

namespace Marketplace.Payouts.Rail;

/// <summary>
/// An in-process stand-in for a bank, keeping its own books in the payouts database so every instance sees the same bank.
/// Its mode (succeed, decline, timeout, duplicate-callback) is set by an operator. In timeout mode it takes the money but the answer is lost,
/// which is the case a real rail makes hardest: only asking again with the same reference tells what happened.
/// </summary>
public sealed class FakeBank(NpgsqlDataSource db) : IPaymentRail
{
    public async Task<RailResult> PayAsync(PaymentInstruction instruction, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var existing = await connection.ExecuteScalarAsync<string?>(
            "SELECT reference FROM fake_bank_transfers WHERE reference = @Reference", new { instruction.Reference });
        if (existing is not null) return new RailResult(RailOutcome.Paid, RailReference(existing), null);

        var mode = await connection.ExecuteScalarAsync<string>("SELECT mode FROM fake_bank_settings WHERE id = 1");
        // A real bank refuses a transfer to an account that does not exist; this one to a number that cannot be one.
        if (string.IsNullOrEmpty(instruction.Account) || !instruction.Account.All(c => char.IsAsciiLetterOrDigit(c) || c is '@' or '.' or '_' or '-' or '+' or '%'))
            return new RailResult(RailOutcome.Declined, null, "Declined by the bank: the payee account number is not valid.");
        if (mode == "decline")
            return new RailResult(RailOutcome.Declined, null, "Declined by the bank: the payee account cannot receive transfers.");

        await connection.ExecuteAsync("""
            INSERT INTO fake_bank_transfers (reference, worker_id, amount, currency) VALUES (@Reference, @WorkerId, @Amount, @Currency)
            ON CONFLICT (reference) DO NOTHING
            """, instruction);
        if (mode == "duplicate-callback")
        {
            // The bank takes the transfer and confirms it later by calling back, twice.
            await using var tx = await connection.BeginTransactionAsync(ct);
            for (var call = 1; call <= 2; call++)
            {
                await JobIntents.EnqueueAsync<FakeBankCallback, FakeBankCallback.Payload>(tx, new(instruction.Reference),
                    uniqueKey: $"fake-bank-callback:{instruction.Reference}:{call}");
            }
            await tx.CommitAsync(ct);
            return new RailResult(RailOutcome.Accepted, null, null);
        }
        if (mode == "timeout")
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            return new RailResult(RailOutcome.Unknown, null, "The bank did not answer in time.");
        }
        return new RailResult(RailOutcome.Paid, RailReference(instruction.Reference), null);
    }

    public static string RailReference(string reference) => $"FAKEBANK-{reference[^12..].ToUpperInvariant()}";
}
