using FluentValidation;
using Marketplace.Bidding.Domain;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Bidding.Features;

/// <summary>
/// After the deadline the enterprise (and operators) see the call's bids ranked by the documented score (BidScoring),
/// each with the vendor's record, and the enterprise awards one: the top-ranked, or another with a reason. Exactly once:
/// the award holds the call's update lock and moves it from closed to awarded; a second award answers 409.
/// </summary>
public static class Evaluation
{
    public sealed record AwardRequest(Guid? BidId, string? Reason);

    public sealed class Validator : AbstractValidator<AwardRequest>
    {
        public Validator()
        {
            RuleFor(r => r.BidId).NotEmpty();
            RuleFor(r => r.Reason).MaximumLength(2000);
        }
    }

    public sealed record RankedBidView(int Rank, decimal Score, decimal PriceScore, decimal DeliveryScore, decimal OnTimeScore, decimal PassScore,
        Guid BidId, Guid VendorOrgId, string VendorName, string PriceKind, decimal Amount, decimal Price, string Currency, DateTime DeliverBy,
        int TeamSize, string Proposal, string Status, int Revision, DateTime PlacedAt, DateTime UpdatedAt, TrackRecord.RecordView Record);

    public static RouteGroupBuilder MapEvaluation(this RouteGroupBuilder calls)
    {
        calls.MapGet("/{id:guid}/bids", Ranked).RequireAuthorization(p => p.RequireRole(Roles.Enterprise, Roles.Operator))
            .Produces<PageOf<RankedBidView>>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        calls.MapPost("/{id:guid}/award", Award).RequireAuthorization(Roles.Enterprise).RequireOrgRole(OrgPermission.MoveMoney).Validate<AwardRequest>().RetryOnDeadlock()
            .Produces<Contracts.ContractView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return calls;
    }

    private static async Task<IResult> Ranked(Guid id, int? page, int? pageSize, HttpContext http, NpgsqlDataSource db)
    {
        if (Paging.Check(page, pageSize, out var number, out var size) is { } bad) return bad;
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var call = await CallRows.FindAsync(connection, id);
        if (call is null || (!caller.IsOperator && call.EnterpriseOrgId != caller.OrgId)) return Problems.NotFound($"Call {id}");
        if (call.IsSealed) return Bids.Sealed(call);
        var ranked = await Awarding.RankAsync(null, call, connection);
        var names = await CallRows.VendorNamesAsync(connection, ranked.Select(r => r.Bid.VendorOrgId));
        var items = ranked.Skip((number - 1) * size).Take(size).Select(r => new RankedBidView(r.Score.Rank, r.Score.Score, r.Score.PriceScore,
            r.Score.DeliveryScore, r.Score.OnTimeScore, r.Score.PassScore, r.Bid.Id, r.Bid.VendorOrgId, names.GetValueOrDefault(r.Bid.VendorOrgId, ""),
            r.Bid.PriceKind, r.Bid.Amount, r.Bid.Price, call.Currency, r.Bid.DeliverBy, r.Bid.TeamSize, r.Bid.Proposal, r.Bid.Status, r.Bid.Revision,
            r.Bid.PlacedAt, r.Bid.UpdatedAt, TrackRecord.View(r.Bid.VendorOrgId, names.GetValueOrDefault(r.Bid.VendorOrgId, ""), r.Record))).ToList();
        return TypedResults.Ok(new PageOf<RankedBidView>(items, ranked.Count, number, size));
    }

    private static async Task<IResult> Award(Guid id, AwardRequest request, HttpContext http, NpgsqlDataSource db, Outbox outbox)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var call = await CallRows.FindAsync(connection, id, tx, "FOR UPDATE");
        if (call is null || call.EnterpriseOrgId != caller.OrgId) return Problems.NotFound($"Call {id}");
        if (call.Status == CallStatus.Open)
        {
            if (call.IsSealed) return Bids.Sealed(call);
            // The deadline passed before the sweep came: close it here, in this transaction (which may auto-award).
            await Awarding.CloseAsync(tx, outbox, call);
            call = (await CallRows.FindAsync(connection, id, tx))!;
        }
        if (call.Status == CallStatus.Awarded)
        {
            await tx.CommitAsync(); // keeps a close done just above
            return Problems.Conflict($"Call {id} is already awarded.", new { status = call.Status }, code: "conflict.awarded");
        }
        if (call.Status != CallStatus.Closed)
        {
            await tx.CommitAsync();
            return Problems.Conflict($"Call {id} is {call.Status}: there is nothing to award.", new { status = call.Status },
                code: $"conflict.{call.Status}");
        }
        var ranked = await Awarding.RankAsync(tx, call);
        var chosen = ranked.FirstOrDefault(r => r.Bid.Id == request.BidId);
        if (chosen is null || chosen.Bid.Status != BidStatus.Live) return Problems.NotFound($"Bid {request.BidId} on call {id}");
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        if (chosen.Score.Rank != 1 && reason is null)
            return Problems.BadRequest("reason", $"Bid {chosen.Bid.Id} is ranked {chosen.Score.Rank}: say why the top-ranked bid is passed over ('reason').",
                code: "award.reason_required");
        var contractId = await Awarding.AwardAsync(tx, outbox, call, chosen.Bid, automatic: false, reason);
        await tx.CommitAsync();
        return TypedResults.Ok(await Contracts.FindAsync(connection, contractId));
    }
}
