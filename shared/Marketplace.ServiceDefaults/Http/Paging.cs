using Microsoft.AspNetCore.Http;

namespace Marketplace.ServiceDefaults.Http;

/// <summary>One page of a server-side list.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, long Total, int Page, int PageSize);

/// <summary>
/// The bounds of every paged list: page 1-10,000, pageSize 1-100. A page past the bound would only be an expensive empty
/// answer (and a huge one once overflowed into a negative OFFSET, a 500): it is a 400 naming the field instead.
/// </summary>
public static class Paging
{
    public const int MaxPage = 10_000;
    public const int MaxPageSize = 100;

    /// <summary>page 1-10,000 (default 1), pageSize 1-100 (default 20); a problem naming the field otherwise.</summary>
    public static IResult? Check(int? page, int? pageSize, out int number, out int size)
    {
        number = page ?? 1;
        size = pageSize ?? 20;
        if (page is < 1 or > MaxPage) return Problems.BadRequest("page", $"'page' must be between 1 and {MaxPage}.", "validation.out_of_range");
        if (pageSize is < 1 or > MaxPageSize)
            return Problems.BadRequest("pageSize", $"'pageSize' must be between 1 and {MaxPageSize}.", "validation.out_of_range");
        return null;
    }
}
