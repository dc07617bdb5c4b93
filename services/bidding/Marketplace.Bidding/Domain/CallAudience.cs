using Marketplace.Labeling;

namespace Marketplace.Bidding.Domain;

/// <summary>What bidding knows of a vendor (orders' latest VendorQualificationsChanged).</summary>
public sealed record Qualification(IReadOnlyList<(string Grade, DateOnly ValidUntil)> Certificates, IReadOnlyList<string> TaskTypes,
    IReadOnlyList<string> Industries)
{
    public static readonly Qualification None = new([], [], []);

    public IReadOnlyList<string> Grades(DateOnly today) => DataGrades.HandledBy(Certificates, today);
}

/// <summary>
/// Who sees a call and who may bid on it. A vendor sees a call when it may handle the call's data grade (DataGrades) and
/// its listings cover the call's task type and industry; an invited vendor sees it regardless. Bidding needs the grade
/// in any case (an invitation does not replace a certification).
/// </summary>
public static class CallAudience
{
    public static bool Sees(Qualification vendor, DateOnly today, string dataGrade, string taskType, string industry, bool invited) =>
        invited || (MayBid(vendor, today, dataGrade) && vendor.TaskTypes.Contains(taskType) && vendor.Industries.Contains(industry));

    public static bool MayBid(Qualification vendor, DateOnly today, string dataGrade) => vendor.Grades(today).Contains(dataGrade);
}
