using Marketplace.ServiceDefaults.Http;

namespace Marketplace.Tasks.Features;

/// <summary>ProblemDetails this service needs beyond the shared <see cref="Problems"/>: a 403 saying what is lacking, and
/// a 409 carrying more than the current state.</summary>
public static class Refusals
{
    public static ProblemHttpResult Forbidden(string detail, IDictionary<string, object?> extensions, string code = "claims.not_eligible") =>
        TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "Not eligible",
            Detail = detail,
            Extensions = new Dictionary<string, object?>(extensions) { [ProblemCodes.Extension] = code },
        });

    public static ProblemHttpResult Conflict(string detail, string currentState, IDictionary<string, object?> more)
    {
        var extensions = new Dictionary<string, object?>(more) { ["currentState"] = currentState, [ProblemCodes.Extension] = ProblemCodes.ForConflict(currentState) };
        return TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = "Conflict with the current state",
            Detail = detail,
            Extensions = extensions,
        });
    }

    /// <summary>Validates ?page=&amp;pageSize= (1-based, at most page 10,000; at most 100 a page), as ServiceDefaults' Paging does.</summary>
    public static ProblemHttpResult? Paging(int? page, int? pageSize)
    {
        if (page is < 1 or > Marketplace.ServiceDefaults.Http.Paging.MaxPage)
            return Problems.BadRequest("page", $"'page' must be between 1 and {Marketplace.ServiceDefaults.Http.Paging.MaxPage}.", "validation.out_of_range");
        if (pageSize is < 1 or > 100) return Problems.BadRequest("pageSize", "'pageSize' must be between 1 and 100.");
        return null;
    }
}

/// <summary>One page of a list: {items, total, page, pageSize}.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, long Total, int Page, int PageSize);
