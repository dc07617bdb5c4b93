using Dapper;
using FluentValidation;
using Marketplace.Labeling;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Marketplace.ServiceDefaults.Messaging;
using Npgsql;

namespace Marketplace.Orders.Features.Supermarket;

/// <summary>
/// A vendor submits a certification for a data grade; it counts only once an operator approves it and while it is valid.
/// A certification for a grade covers the grades below it. An operator may later revoke an approved one (the issuer
/// withdrew it, say): from then on it counts for nothing, as an expired one.
/// </summary>
public static class Certifications
{
    public sealed record Request(string Name, string Issuer, string Grade, DateOnly ValidUntil);

    public sealed record Review(string Decision, string? Note);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
            RuleFor(r => r.Issuer).NotEmpty().MaximumLength(200);
            RuleFor(r => r.Grade).Must(DataGrades.IsKnown).WithMessage("'Grade' must be general, important or core.");
            RuleFor(r => r.ValidUntil).Must(d => d > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
                .WithMessage("'Valid Until' must be in the future.");
        }
    }

    public sealed class ReviewValidator : AbstractValidator<Review>
    {
        public ReviewValidator()
        {
            RuleFor(r => r.Decision).Must(d => d is "approve" or "reject" or "revoke").WithMessage("'Decision' must be approve, reject or revoke.");
            RuleFor(r => r.Note).NotEmpty().When(r => r.Decision is "reject" or "revoke").WithMessage("Say why a certification is rejected or revoked ('Note').");
            RuleFor(r => r.Note).MaximumLength(2000);
        }
    }

    public sealed record CertificationView(Guid Id, Guid VendorOrgId, string Name, string Issuer, string Grade, DateOnly ValidUntil,
        string Status, string? ReviewNote, DateTime? ReviewedAt, DateTime CreatedAt);

    private const string Select = """
        SELECT id, vendor_org_id, name, issuer, grade, valid_until, status, review_note, reviewed_at, created_at FROM vendor_certifications
        """;

    public static RouteGroupBuilder MapCertifications(this RouteGroupBuilder group)
    {
        group.MapPost("/", Submit).RequireAuthorization(Roles.Vendor).RequireOrgRole(OrgPermission.Commit).Validate<Request>().Produces<CertificationView>(StatusCodes.Status201Created);
        group.MapGet("/", List).RequireAuthorization(p => p.RequireRole(Roles.Vendor, Roles.Operator))
            .Produces<IEnumerable<CertificationView>>();
        group.MapPost("/{id:guid}/review", Decide).RequireAuthorization(Roles.Operator).Validate<Review>()
            .Produces<CertificationView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<IResult> Submit(Request request, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        var id = Guid.CreateVersion7();
        await using var connection = await db.OpenConnectionAsync();
        // Dapper cannot send a DateOnly: the date goes as midnight of that day into a date column.
        await connection.ExecuteAsync("""
            INSERT INTO vendor_certifications (id, vendor_org_id, name, issuer, grade, valid_until)
            VALUES (@id, @OrgId, @Name, @Issuer, @Grade, @validUntil)
            """, new { id, caller.OrgId, request.Name, request.Issuer, request.Grade, validUntil = request.ValidUntil.ToDateTime(TimeOnly.MinValue) });
        return TypedResults.Created($"/certifications/{id}",
            await connection.QuerySingleAsync<CertificationView>($"{Select} WHERE id = @id", new { id }));
    }

    /// <summary>A vendor sees its own; an operator sees everyone's, e.g. ?status=pending for the review queue.</summary>
    private static async Task<IResult> List(string? status, HttpContext http, NpgsqlDataSource db)
    {
        if (status is not null && status is not ("pending" or "approved" or "rejected" or "revoked"))
            return Problems.BadRequest("status", "'status' must be pending, approved, rejected or revoked.");
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        return TypedResults.Ok(await connection.QueryAsync<CertificationView>($"""
            {Select}
            WHERE (@scope::uuid IS NULL OR vendor_org_id = @scope) AND (@status::text IS NULL OR status = @status)
            ORDER BY created_at DESC LIMIT 500
            """, new { scope = caller.IsOperator ? (Guid?)null : caller.OrgId, status }));
    }

    /// <summary>
    /// The decision and the vendor's new qualifications (for bidding) commit together. A pending certification is approved
    /// or rejected; an approved one may be revoked.
    /// </summary>
    private static async Task<IResult> Decide(Guid id, Review review, HttpContext http, NpgsqlDataSource db, Outbox outbox)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var found = await connection.QuerySingleOrDefaultAsync<Decided>(
            "SELECT status, vendor_org_id FROM vendor_certifications WHERE id = @id FOR UPDATE", new { id }, tx);
        if (found is null) return Problems.NotFound($"Certification {id}");
        var (from, decided) = review.Decision switch { "approve" => ("pending", "approved"), "reject" => ("pending", "rejected"), _ => ("approved", "revoked") };
        var updated = await connection.ExecuteAsync("""
            UPDATE vendor_certifications SET status = @decided, review_note = @Note, reviewed_by = @UserId, reviewed_at = now()
            WHERE id = @id AND status = @from
            """, new { id, from, decided, review.Note, caller.UserId }, tx);
        if (updated == 0)
            return Problems.Conflict(from == "pending" ? $"Certification {id} was already {found.Status}."
                : $"Certification {id} is {found.Status}; only an approved one can be revoked.", found.Status);
        await VendorQualifications.PublishAsync(tx, outbox, found.VendorOrgId);
        await tx.CommitAsync();
        return TypedResults.Ok(await connection.QuerySingleAsync<CertificationView>($"{Select} WHERE id = @id", new { id }));
    }

    private sealed record Decided(string Status, Guid VendorOrgId);
}
