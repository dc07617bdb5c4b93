using Marketplace.ServiceDefaults.Http;

namespace Marketplace.Settlement.Features;

/// <summary>One page of a server-side list.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, long Total, int Page, int PageSize);

public static class Paging
{
    /// <summary>page from 1, pageSize 1-100 (default 20); a problem naming the field otherwise.</summary>
    public static IResult? Check(int? page, int? pageSize, out int number, out int size)
    {
        number = page ?? 1;
        size = pageSize ?? 20;
        if (page is < 1) return Problems.BadRequest("page", "'page' starts at 1.", "validation.out_of_range");
        if (pageSize is < 1 or > 100) return Problems.BadRequest("pageSize", "'pageSize' is between 1 and 100.", "validation.out_of_range");
        return null;
    }
}
