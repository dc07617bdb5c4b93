using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.Tasks.Domain;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// A worker submits their legal name and ID card number; an operator verifies or rejects them with a reason. Verified
/// identity is the general-grade clearance. The number is kept only masked and as a keyed hash (one card, one account).
/// </summary>
public static class IdentityVerification
{
    public sealed record Request(string LegalName, string IdNumber);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(r => r.LegalName).NotEmpty().MaximumLength(100);
            RuleFor(r => r.IdNumber).NotEmpty().Custom((number, context) =>
            {
                if (IdentityNumber.Check(IdentityNumber.Normalise(number), DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)) is { } problem)
                    context.AddFailure(problem);
            });
        }
    }

    public sealed record Review(string Decision, string? Reason);

    public sealed class ReviewValidator : AbstractValidator<Review>
    {
        public ReviewValidator()
        {
            RuleFor(r => r.Decision).NotEmpty().Must(d => d is "verify" or "reject").WithMessage("'Decision' must be verify or reject.");
            RuleFor(r => r.Reason).NotEmpty().When(r => r.Decision == "reject").WithMessage("Give a 'Reason' when rejecting.");
            RuleFor(r => r.Reason).MaximumLength(500);
        }
    }

    public sealed class View
    {
        public Guid WorkerId { get; init; }
        public string Status { get; init; } = "";
        public string LegalName { get; init; } = "";
        /// <summary>Masked: the first 3 and last 4 characters.</summary>
        public string IdNumber { get; init; } = "";
        public string? RejectionReason { get; init; }
        public DateTime SubmittedAt { get; init; }
        public DateTime? ReviewedAt { get; init; }
        /// <summary>For operators: the other accounts that submitted the same card (pending or verified); null for the worker.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public Guid[]? SameCardAs { get; init; }
    }

    public const string Columns =
        "worker_id, status, legal_name, id_number_masked AS id_number, rejection_reason, submitted_at, reviewed_at";

    public static RouteGroupBuilder MapIdentityVerification(this RouteGroupBuilder group)
    {
        group.MapPost("/me/identity", Submit).RequireAuthorization(Roles.Worker).Validate<Request>().LimitedBy(RateLimits.IdentitySubmission)
            .Produces<View>().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/identities", Queue).RequireAuthorization(Roles.Operator).Produces<Paged<View>>();
        group.MapPost("/{workerId:guid}/identity/review", Decide).RequireAuthorization(Roles.Operator).Validate<Review>()
            .Produces<View>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    /// <summary>
    /// A new submission, or a corrected one while pending or after a rejection; a verified identity stays. A card another
    /// account uses is taken alike (pending): the answer must not tell anyone that a number exists. The operator sees the
    /// accounts sharing it (<see cref="View.SameCardAs"/>) and only one of them can be verified.
    /// </summary>
    private static async Task<IResult> Submit(Request request, HttpContext http, NpgsqlDataSource db, IdentityNumberKey key)
    {
        var caller = Caller.From(http.User);
        var number = IdentityNumber.Normalise(request.IdNumber);
        await using var connection = await db.OpenConnectionAsync();
        var view = await connection.QuerySingleOrDefaultAsync<View>($"""
            INSERT INTO worker_identities (worker_id, legal_name, id_number_masked, id_number_hash)
            VALUES (@UserId, @legalName, @masked, @hash)
            ON CONFLICT (worker_id) DO UPDATE
            SET legal_name = excluded.legal_name, id_number_masked = excluded.id_number_masked, id_number_hash = excluded.id_number_hash,
                status = 'pending', rejection_reason = NULL, submitted_at = now(), reviewed_at = NULL, reviewed_by = NULL
            WHERE worker_identities.status <> 'verified'
            RETURNING {Columns}
            """, new { caller.UserId, legalName = request.LegalName.Trim(), masked = IdentityNumber.Mask(number), hash = key.Hash(number) });
        return view is null
            ? Problems.Conflict("Your identity is already verified; it cannot be changed here.", "verified")
            : TypedResults.Ok(view);
    }

    /// <summary>The operator's view of submissions: with the other accounts that gave the same card.</summary>
    private const string OperatorColumns = $"""
        {Columns},
        ARRAY(SELECT other.worker_id FROM worker_identities other
              WHERE other.id_number_hash = worker_identities.id_number_hash AND other.worker_id <> worker_identities.worker_id
                AND other.status IN ('pending', 'verified')
              ORDER BY other.submitted_at LIMIT 10) AS same_card_as
        """;

    /// <summary>The operators' review queue (oldest first), or submissions in another state.</summary>
    private static async Task<IResult> Queue(string? status, int? page, int? pageSize, NpgsqlDataSource db)
    {
        status ??= "pending";
        if (status is not ("pending" or "verified" or "rejected")) return Problems.BadRequest("status", "'status' must be pending, verified or rejected.");
        if (Refusals.Paging(page, pageSize) is { } bad) return bad;
        int p = page ?? 1, size = pageSize ?? 50;
        await using var connection = await db.OpenConnectionAsync();
        await using var results = await connection.QueryMultipleAsync($"""
            SELECT {OperatorColumns} FROM worker_identities WHERE status = @status ORDER BY submitted_at, worker_id LIMIT @size OFFSET @offset;
            SELECT count(*) FROM worker_identities WHERE status = @status;
            """, new { status, size, offset = (p - 1) * size });
        var items = (await results.ReadAsync<View>()).ToList();
        return TypedResults.Ok(new Paged<View>(items, await results.ReadSingleAsync<long>(), p, size));
    }

    private static async Task<IResult> Decide(Guid workerId, Review review, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var status = await connection.ExecuteScalarAsync<string?>(
            "SELECT status FROM worker_identities WHERE worker_id = @workerId FOR UPDATE", new { workerId }, tx);
        if (status is null) return Problems.NotFound($"An identity submission of worker {workerId}");
        if (status != "pending") return Problems.Conflict($"This identity is {status}; only a pending submission can be reviewed.", status);
        View view;
        try
        {
            view = await connection.QuerySingleAsync<View>($"""
                UPDATE worker_identities
                SET status = @newStatus, rejection_reason = @reason, reviewed_at = now(), reviewed_by = @UserId
                WHERE worker_id = @workerId
                RETURNING {OperatorColumns}
                """, new
            {
                workerId, caller.UserId, newStatus = review.Decision == "verify" ? "verified" : "rejected",
                reason = review.Decision == "verify" ? null : review.Reason!.Trim(),
            }, tx);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "worker_identities_one_verified_card")
        {
            // Only the operator reviews: telling them that the card is verified for another account is the point.
            return Problems.Conflict("This ID card is already verified for another account; reject this submission.", status, code: "identity.card_verified_elsewhere");
        }
        await tx.CommitAsync();
        return TypedResults.Ok(view);
    }
}
