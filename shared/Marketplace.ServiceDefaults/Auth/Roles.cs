namespace Marketplace.ServiceDefaults.Auth;

public static class Roles
{
    public const string Enterprise = "enterprise";
    public const string Vendor = "vendor";
    public const string Worker = "worker";
    public const string Operator = "operator";

    public static readonly IReadOnlyList<string> All = [Enterprise, Vendor, Worker, Operator];

    /// <summary>Roles a person may give themselves at registration; operators are created by an operator or by infra/up.sh.</summary>
    public static readonly IReadOnlyList<string> SelfService = [Enterprise, Vendor, Worker];
}
