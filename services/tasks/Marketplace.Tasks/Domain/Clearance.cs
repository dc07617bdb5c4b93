namespace Marketplace.Tasks.Domain;

/// <summary>
/// How far a worker is cleared: none; general (identity verified); important (verified, the current confidentiality
/// agreement signed, vetted). Core-grade data never reaches the crowd. The same rules live in SQL (worker_clearance,
/// required_clearance_rank in 0008_qualifications.sql), where claims evaluate them.
/// </summary>
public static class Clearance
{
    public const string None = "none";
    public const string General = "general";
    public const string Important = "important";

    public static int Rank(string clearance) => clearance switch { General => 1, Important => 2, _ => 0 };

    /// <summary>The rank an order's data needs: personal information counts as important; core (3) is out of reach.</summary>
    public static int Required(string dataGrade, bool personalInformation) => dataGrade switch
    {
        "core" => 3,
        "important" => 2,
        _ => personalInformation ? 2 : 1,
    };
}
