namespace Marketplace.Payouts.Rail;

/// <summary>
/// An external payment provider. The reference is the idempotency key: asking again with the same reference
/// must never pay twice, and answers what happened to the first request.
/// </summary>
public interface IPaymentRail
{
    Task<RailResult> PayAsync(PaymentInstruction instruction, CancellationToken ct);
}

/// <param name="Account">the payee's full account number, opened from its seal just for this call (never stored by us in clear).</param>
public sealed record PaymentInstruction(string Reference, Guid WorkerId, decimal Amount, string Currency, string Account);

public enum RailOutcome
{
    Paid,
    Declined,
    /// <summary>Taken: the rail confirms later through the callback endpoint (perhaps more than once).</summary>
    Accepted,
    /// <summary>No answer (timeout): the money may or may not have moved; ask again with the same reference.</summary>
    Unknown,
}

public sealed record RailResult(RailOutcome Outcome, string? RailReference, string? Reason);
