using System.Security.Claims;
using Marketplace.ServiceDefaults.Auth;

namespace Marketplace.Platform.Tests.Rules;

public class OrgPolicyTests
{
    [TestCase("owner", OrgPermission.MoveMoney, true)]
    [TestCase("finance", OrgPermission.MoveMoney, true)]
    [TestCase("reviewer", OrgPermission.MoveMoney, false)]
    [TestCase("owner", OrgPermission.Review, true)]
    [TestCase("reviewer", OrgPermission.Review, true)]
    [TestCase("finance", OrgPermission.Review, false)]
    [TestCase("owner", OrgPermission.Commit, true)]
    [TestCase("finance", OrgPermission.Commit, true)]
    [TestCase("reviewer", OrgPermission.Commit, false)]
    [TestCase("owner", OrgPermission.ManageMembers, true)]
    [TestCase("finance", OrgPermission.ManageMembers, false)]
    [TestCase("reviewer", OrgPermission.ManageMembers, false)]
    public void Each_role_may_do_what_the_table_says(string orgRole, OrgPermission permission, bool allowed) =>
        Assert.That(OrgPolicy.Allows(orgRole, permission), Is.EqualTo(allowed));

    [Test]
    public void An_owner_may_do_everything_so_a_one_person_organisation_loses_nothing() =>
        Assert.That(Enum.GetValues<OrgPermission>().All(p => OrgPolicy.Allows(OrgRoles.Owner, p)), Is.True);

    [Test]
    public void A_reviewer_never_moves_money_and_finance_never_reviews()
    {
        Assert.That(OrgPolicy.Allows(OrgRoles.Reviewer, OrgPermission.MoveMoney), Is.False);
        Assert.That(OrgPolicy.Allows(OrgRoles.Finance, OrgPermission.Review), Is.False);
    }

    [TestCase("")]
    [TestCase("admin")]
    [TestCase("Owner")]
    public void An_unknown_role_may_do_nothing(string orgRole) =>
        Assert.That(Enum.GetValues<OrgPermission>().Any(p => OrgPolicy.Allows(orgRole, p)), Is.False);

    [Test]
    public void Every_permission_has_its_own_problem_code() =>
        Assert.That(Enum.GetValues<OrgPermission>().Select(OrgPolicy.ProblemCode).Distinct().Count(), Is.EqualTo(Enum.GetValues<OrgPermission>().Length));

    [Test]
    public void A_token_without_an_org_role_is_the_owners_and_one_with_it_keeps_it()
    {
        var old = new ClaimsPrincipal(new ClaimsIdentity([new Claim(Caller.UserClaim, Guid.NewGuid().ToString()),
            new Claim(Caller.OrgClaim, Guid.NewGuid().ToString()), new Claim(Caller.RoleClaim, Roles.Enterprise)], "test"));
        Assert.That(Caller.From(old).OrgRole, Is.EqualTo(OrgRoles.Owner));
        var member = new ClaimsPrincipal(new ClaimsIdentity([new Claim(Caller.UserClaim, Guid.NewGuid().ToString()),
            new Claim(Caller.OrgClaim, Guid.NewGuid().ToString()), new Claim(Caller.RoleClaim, Roles.Vendor),
            new Claim(Caller.OrgRoleClaim, OrgRoles.Reviewer)], "test"));
        Assert.That(Caller.From(member).OrgRole, Is.EqualTo(OrgRoles.Reviewer));
    }
}
