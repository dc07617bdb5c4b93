namespace Marketplace.Orders.Domain;

/// <summary>Data grades in rising sensitivity: a certification for a grade also covers the grades below it.</summary>
public static class DataGrades
{
    public static readonly IReadOnlyList<string> Ordered = ["general", "important", "core"];

    public static int Rank(string grade) => Ordered.IndexOf(grade) is var i and >= 0 ? i : throw new ArgumentOutOfRangeException(nameof(grade));

    private static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }
}
