using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Settlement.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Marketplace.Settlement.Rail;

public enum PayInOutcome { Credited, AlreadyCredited, Unknown, AmountMismatch, Failed, BankTransactionUsed }

/// <summary>
/// Money in: the bank confirms that a deposit's transfer arrived (a callback signed with Settlement:PayInCallbackSecret,
/// which only settlement and the bank hold), or says it failed. The first confirmation credits the wallet (bank to
/// wallet, one ledger transaction keyed by the deposit); repeats change nothing; an amount other than the deposit's,
/// or a bank transaction already used for another deposit, is refused and left for an operator.
/// </summary>
public static class PayIns
{
    public const string SignatureHeader = "X-Rail-Signature";

    public sealed record Callback(string Reference, string Status, decimal Amount, string Currency, string BankTransactionId, string? Reason);

    public sealed record Answer(string Reference, bool Changed);

    public static bool IsBankTransactionId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    public static string Sign(byte[] key, Callback c) => Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(
        $"pay-in\n{c.Reference}\n{c.Status}\n{c.Amount.ToString("0.00", CultureInfo.InvariantCulture)}\n{c.Currency}\n{c.BankTransactionId}")));

    public static async Task<PayInOutcome> ConfirmAsync(NpgsqlTransaction tx, string reference, decimal amount, string currency,
        string bankTransactionId, string confirmedBy, DateTimeOffset now)
    {
        var connection = tx.Connection!;
        var deposit = await connection.QuerySingleOrDefaultAsync<(Guid Id, Guid OrgId, decimal Amount, string Currency, string Status, string? BankTransactionId)>("""
            SELECT id, enterprise_org_id, amount, currency, status, bank_transaction_id FROM deposits WHERE reference = @reference FOR UPDATE
            """, new { reference }, tx);
        if (deposit.Id == Guid.Empty) return PayInOutcome.Unknown;
        if (deposit.Status == "credited")
            return deposit.BankTransactionId == bankTransactionId ? PayInOutcome.AlreadyCredited : PayInOutcome.BankTransactionUsed;
        if (deposit.Status == "failed") return PayInOutcome.Failed;
        if (deposit.Amount != amount || deposit.Currency != currency) return PayInOutcome.AmountMismatch;
        if (await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM deposits WHERE bank_transaction_id = @bankTransactionId)",
                new { bankTransactionId }, tx))
            return PayInOutcome.BankTransactionUsed;

        var transactionId = await Ledger.BookAsync(tx, new LedgerEntry($"deposit:{deposit.Id}", "deposit", null, now,
            LedgerEntry.Transfer(AccountRef.Bank(currency), AccountRef.Wallet(deposit.OrgId, currency), amount)));
        await connection.ExecuteAsync("""
            UPDATE deposits SET status = 'credited', bank_transaction_id = @bankTransactionId, confirmed_by = @confirmedBy,
                                transaction_id = @transactionId, completed_at = @now
            WHERE id = @Id
            """, new { bankTransactionId, confirmedBy, transactionId, now, deposit.Id }, tx);
        return PayInOutcome.Credited;
    }

    /// <returns>true when this answer failed the deposit (it was pending).</returns>
    public static async Task<bool> FailAsync(NpgsqlTransaction tx, string reference, string reason, DateTimeOffset now) =>
        await tx.Connection!.ExecuteAsync("""
            UPDATE deposits SET status = 'failed', failure_reason = @reason, completed_at = @now WHERE reference = @reference AND status = 'pending'
            """, new { reference, reason, now }, tx) == 1;

    /// <summary>The problem for an outcome that credited nothing new (null for Credited and AlreadyCredited).</summary>
    public static ProblemHttpResult? Refusal(PayInOutcome outcome) => outcome switch
    {
        PayInOutcome.Unknown => Problems.NotFound("Deposit with this reference"),
        PayInOutcome.Failed => Problems.Conflict("The deposit failed already; the enterprise makes a new one.", "failed"),
        PayInOutcome.AmountMismatch => Problems.Unprocessable("The amount differs from the deposit's: an operator settles it with the enterprise.",
            "deposit.amount_mismatch"),
        PayInOutcome.BankTransactionUsed => Problems.Conflict("This bank transaction confirmed another deposit already.",
            code: "deposit.bank_transaction_used"),
        _ => null,
    };

    public static RouteGroupBuilder MapPayIns(this RouteGroupBuilder group)
    {
        // Anonymous to the token check: the bank signs each callback instead.
        group.MapPost("/pay-ins/callbacks", Handle).AllowAnonymous()
            .WithHeader(SignatureHeader, required: true, "The bank's HMAC-SHA256 signature of the callback (see docs/api.md).")
            .Produces<Answer>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Handle(Callback callback, HttpContext http, NpgsqlDataSource db, TimeProvider clock,
        IOptions<SettlementOptions> options)
    {
        if (string.IsNullOrWhiteSpace(callback.Reference) || callback.Reference.Length > 32)
            return Problems.BadRequest("reference", "'reference' names the deposit the bank confirms.");
        if (callback.Status is not ("paid" or "failed")) return Problems.BadRequest("status", "'status' must be paid or failed.");
        if (!IsBankTransactionId(callback.BankTransactionId))
            return Problems.BadRequest("bankTransactionId", "'bankTransactionId' is the bank's id of the transfer: letters, digits and dashes.");
        if (callback.Amount <= 0 || callback.Amount > 100_000_000 || decimal.Round(callback.Amount, 2) != callback.Amount)
            return Problems.BadRequest("amount", "'amount' is what arrived, in fen precision.");
        if (callback.Currency != "CNY") return Problems.BadRequest("currency", "'currency' must be CNY.");
        var signature = http.Request.Headers[SignatureHeader].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(Sign(options.Value.PayInCallbackKey(), callback))))
            return TypedResults.Problem(title: "Unauthorized", detail: $"The {SignatureHeader} header does not sign this callback.", statusCode: 401);

        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (callback.Status == "failed")
        {
            var failed = await FailAsync(tx, callback.Reference, string.IsNullOrWhiteSpace(callback.Reason) ? "The bank reports the transfer failed."
                : callback.Reason[..Math.Min(callback.Reason.Length, 500)], clock.GetUtcNow());
            await tx.CommitAsync();
            return TypedResults.Ok(new Answer(callback.Reference, failed));
        }
        var outcome = await ConfirmAsync(tx, callback.Reference, callback.Amount, callback.Currency, callback.BankTransactionId, "rail", clock.GetUtcNow());
        if (Refusal(outcome) is { } refused) return refused;
        await tx.CommitAsync();
        return TypedResults.Ok(new Answer(callback.Reference, outcome == PayInOutcome.Credited));
    }
}
