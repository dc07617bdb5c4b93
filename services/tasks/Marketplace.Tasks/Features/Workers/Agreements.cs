using Dapper;
using FluentValidation;
using Marketplace.ServiceDefaults.Auth;
using Marketplace.ServiceDefaults.Http;
using Npgsql;

namespace Marketplace.Tasks.Features;

/// <summary>
/// The confidentiality agreement: versioned text the platform serves. A worker signs the version they read (naming it,
/// so a signature never covers text the worker was not shown); an operator publishes a new version, after which only
/// signatures of the new one count towards important-grade clearance.
/// </summary>
public static class Agreements
{
    public sealed record Agreement(int Version, string Title, string Body, DateTime PublishedAt);

    public sealed record Publish(string Title, string Body);

    public sealed class PublishValidator : AbstractValidator<Publish>
    {
        public PublishValidator()
        {
            RuleFor(r => r.Title).NotEmpty().MaximumLength(200);
            RuleFor(r => r.Body).NotEmpty().MaximumLength(100_000);
        }
    }

    public sealed record Sign(int Version);

    public sealed class SignValidator : AbstractValidator<Sign>
    {
        public SignValidator() => RuleFor(r => r.Version).GreaterThan(0);
    }

    public sealed record Signature(Guid WorkerId, int Version, DateTime SignedAt);

    public static RouteGroupBuilder MapAgreements(this RouteGroupBuilder group)
    {
        group.MapGet("/current", Current).RequireAuthorization(p => p.RequireRole(Roles.All));
        group.MapPost("", PublishVersion).RequireAuthorization(Roles.Operator).Validate<Publish>();
        return group;
    }

    public static RouteGroupBuilder MapAgreementSigning(this RouteGroupBuilder workers)
    {
        workers.MapPost("/me/agreement", SignCurrent).RequireAuthorization(Roles.Worker).Validate<Sign>()
            .Produces<Signature>().ProducesProblem(StatusCodes.Status409Conflict);
        return workers;
    }

    private const string CurrentSql =
        "SELECT version, title, body, published_at FROM confidentiality_agreements ORDER BY version DESC LIMIT 1";

    private static async Task<Ok<Agreement>> Current(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        return TypedResults.Ok(await connection.QuerySingleAsync<Agreement>(CurrentSql));
    }

    private static async Task<Created<Agreement>> PublishVersion(Publish request, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        // Two operators publishing at once get consecutive versions rather than a key violation.
        await connection.ExecuteAsync("LOCK TABLE confidentiality_agreements IN SHARE ROW EXCLUSIVE MODE", transaction: tx);
        var agreement = await connection.QuerySingleAsync<Agreement>("""
            INSERT INTO confidentiality_agreements (version, title, body, published_by)
            SELECT coalesce(max(version), 0) + 1, @Title, @Body, @UserId FROM confidentiality_agreements
            RETURNING version, title, body, published_at
            """, new { request.Title, request.Body, caller.UserId }, tx);
        await tx.CommitAsync();
        return TypedResults.Created("/agreements/current", agreement);
    }

    /// <summary>Signing again is harmless: the first signature of a version stands.</summary>
    private static async Task<IResult> SignCurrent(Sign request, HttpContext http, NpgsqlDataSource db)
    {
        var caller = Caller.From(http.User);
        await using var connection = await db.OpenConnectionAsync();
        var signature = await connection.QuerySingleOrDefaultAsync<Signature>("""
            WITH current_version AS (SELECT max(version) AS version FROM confidentiality_agreements),
            signed AS (
                INSERT INTO agreement_signatures (worker_id, version)
                SELECT @UserId, version FROM current_version WHERE version = @Version
                ON CONFLICT (worker_id, version) DO NOTHING
                RETURNING worker_id, version, signed_at)
            SELECT worker_id, version, signed_at FROM signed
            UNION ALL
            SELECT s.worker_id, s.version, s.signed_at FROM agreement_signatures s, current_version c
            WHERE s.worker_id = @UserId AND s.version = @Version AND c.version = @Version
            """, new { caller.UserId, request.Version });
        if (signature is not null) return TypedResults.Ok(signature);
        var current = await connection.ExecuteScalarAsync<int>("SELECT max(version) FROM confidentiality_agreements");
        return Problems.Conflict($"Version {request.Version} is not the current agreement; read and sign version {current}.", current);
    }
}
