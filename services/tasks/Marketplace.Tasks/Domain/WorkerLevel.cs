namespace Marketplace.Tasks.Domain;

/// <summary>
/// A worker's level, 1 to 5, from approved work, qualifications held and clearance. Each level needs all of its row:
/// <code>
/// level  approved answers  qualifications  clearance
///   1          0                 0          any
///   2         20                 0          general      (or: 1 qualification and general)
///   3        200                 1          general
///   4       1000                 2          general
///   5       5000                 3          important
/// </code>
/// </summary>
public static class WorkerLevel
{
    public sealed record Step(int Level, long Approved, int Qualifications, string Clearance);

    public static readonly IReadOnlyList<Step> Steps =
    [
        new(2, 20, 0, Domain.Clearance.General),
        new(3, 200, 1, Domain.Clearance.General),
        new(4, 1000, 2, Domain.Clearance.General),
        new(5, 5000, 3, Domain.Clearance.Important),
    ];

    public static int Of(long approved, int qualifications, string clearance)
    {
        var rank = Domain.Clearance.Rank(clearance);
        var level = 1;
        foreach (var step in Steps)
        {
            if (approved >= step.Approved && qualifications >= step.Qualifications && rank >= Domain.Clearance.Rank(step.Clearance)) level = step.Level;
            else break;
        }
        // A passed exam is worth the first twenty approvals: a qualified newcomer starts at level 2.
        if (level == 1 && qualifications >= 1 && rank >= 1) level = 2;
        return level;
    }

    /// <summary>What the next level still needs (null at level 5).</summary>
    public static Step? Next(int level) => Steps.FirstOrDefault(s => s.Level == level + 1);
}
