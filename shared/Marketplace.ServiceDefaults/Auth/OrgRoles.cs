namespace Marketplace.ServiceDefaults.Auth;

/// <summary>
/// A member's role in the organisation it acts for (the token's <c>org_role</c> claim), beside the organisation's kind
/// (the <c>role</c> claim: enterprise, vendor, worker, operator). A token without the claim (every token issued before
/// organisations had members, and a worker's or operator's) counts as the owner's: one person who founded their
/// organisation may do everything in it.
/// </summary>
public static class OrgRoles
{
    public const string Owner = "owner";
    public const string Reviewer = "reviewer";
    public const string Finance = "finance";

    public static readonly IReadOnlyList<string> All = [Owner, Reviewer, Finance];
}

/// <summary>What a member may do in its organisation; <see cref="OrgPolicy"/> says which roles may.</summary>
public enum OrgPermission
{
    /// <summary>Money enters, leaves or is committed: deposits, bonuses, publishing or cancelling an order, awards, tender
    /// moves, rework funding, payout and withdrawal settings.</summary>
    MoveMoney,

    /// <summary>Reviewing and accepting work: approving or rejecting submissions, appeals, acceptance sampling.</summary>
    Review,

    /// <summary>Writing, revising or withdrawing a sealed bid, and what the vendor offers the market (listings,
    /// certifications): a commercial commitment of the organisation's money and capacity.</summary>
    Commit,

    /// <summary>Inviting, changing and removing members.</summary>
    ManageMembers,
}

/// <summary>The one table of which organisation roles may do what (pure: unit-tested).</summary>
public static class OrgPolicy
{
    private static readonly string[] MoneyRoles = [OrgRoles.Owner, OrgRoles.Finance];
    private static readonly string[] ReviewRoles = [OrgRoles.Owner, OrgRoles.Reviewer];
    private static readonly string[] OwnerOnly = [OrgRoles.Owner];

    public static IReadOnlyList<string> RolesFor(OrgPermission permission) => permission switch
    {
        OrgPermission.MoveMoney => MoneyRoles,
        OrgPermission.Review => ReviewRoles,
        OrgPermission.Commit => MoneyRoles,
        OrgPermission.ManageMembers => OwnerOnly,
        _ => throw new ArgumentOutOfRangeException(nameof(permission), permission, "unknown permission"),
    };

    /// <summary>Whether a member with <paramref name="orgRole"/> may; an unknown role may nothing (fail closed).</summary>
    public static bool Allows(string orgRole, OrgPermission permission) => RolesFor(permission).Contains(orgRole);

    /// <summary>The problem code a refusal carries: <c>org_role.move_money</c>, <c>org_role.review</c>...</summary>
    public static string ProblemCode(OrgPermission permission) => permission switch
    {
        OrgPermission.MoveMoney => "org_role.move_money",
        OrgPermission.Review => "org_role.review",
        OrgPermission.Commit => "org_role.commit",
        OrgPermission.ManageMembers => "org_role.manage_members",
        _ => throw new ArgumentOutOfRangeException(nameof(permission), permission, "unknown permission"),
    };
}
