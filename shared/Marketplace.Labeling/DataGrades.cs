namespace Marketplace.Labeling;

/// <summary>
/// Data grades in rising sensitivity, and who may handle them: the one home of the rule (orders' supermarket, bidding's
/// calls and bids call it). A vendor's approved certification for a grade covers that grade and the grades below it, while
/// it is valid; general data needs no certification. Personal information does not change the vendor rule (it raises the
/// bar for crowd workers, in tasks).
/// </summary>
public static class DataGrades
{
    public const string General = "general";
    public const string Important = "important";
    public const string Core = "core";

    public static readonly IReadOnlyList<string> Ordered = [General, Important, Core];

    public static bool IsKnown(string? grade) => grade is General or Important or Core;

    /// <summary>0 for general, 1 for important, 2 for core.</summary>
    public static int Rank(string grade) => grade switch
    {
        General => 0,
        Important => 1,
        Core => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(grade), grade, "A data grade is general, important or core."),
    };

    /// <summary>Does a certification at <paramref name="certifiedGrade"/> cover data of <paramref name="dataGrade"/>?</summary>
    public static bool Covers(string certifiedGrade, string dataGrade) => Rank(certifiedGrade) >= Rank(dataGrade);

    /// <summary>
    /// The grades a vendor may handle on <paramref name="today"/>, given its approved certifications (grade, last valid
    /// day): always general, and every grade at or below a certification still valid today.
    /// </summary>
    public static IReadOnlyList<string> HandledBy(IEnumerable<(string Grade, DateOnly ValidUntil)> approvedCertificates, DateOnly today)
    {
        var highest = approvedCertificates.Where(c => IsKnown(c.Grade) && c.ValidUntil >= today)
            .Select(c => Rank(c.Grade)).DefaultIfEmpty(0).Max();
        return Ordered.Take(highest + 1).ToList();
    }

    /// <summary>May a vendor with these approved certifications handle data of <paramref name="dataGrade"/> on <paramref name="today"/>?</summary>
    public static bool MayHandle(IEnumerable<(string Grade, DateOnly ValidUntil)> approvedCertificates, DateOnly today, string dataGrade) =>
        HandledBy(approvedCertificates, today).Contains(dataGrade);

    /// <summary>
    /// May data of <paramref name="dataGrade"/> be given to the platform's crowd (by an enterprise's crowd order or a
    /// vendor's crowd work package, at any tier)? Never core data; important data goes only to cleared workers (tasks' claims).
    /// </summary>
    public static bool MayGoToCrowd(string dataGrade) => dataGrade != Core;
}
