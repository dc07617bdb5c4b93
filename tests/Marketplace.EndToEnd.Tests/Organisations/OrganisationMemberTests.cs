using System.Net;
using System.Net.Http.Json;
using Marketplace.EndToEnd.Tests.Bidding;
using static Marketplace.EndToEnd.Tests.Organisations.Team;

namespace Marketplace.EndToEnd.Tests.Organisations;

/// <summary>
/// Organisations with members (issue 13, item 7): an owner invites colleagues by e-mail with a role, the invitee accepts
/// or declines and acts for any of its organisations; every access rule respects the role; only owners manage members,
/// and an organisation always keeps an owner.
/// </summary>
[TestFixture]
public class OrganisationMemberTests
{
    [Test]
    public async Task An_invited_colleague_accepts_lists_its_memberships_and_switches_to_act_for_the_organisation()
    {
        var owner = await Api.SignUpAsync("enterprise");
        var colleague = await Api.SignUpAsync("enterprise");
        // The address is normalised: the invitee signs in with the lower-case one.
        var invited = await Api.ReadAsync(await owner.PostAsync("/api/organisation/invitations",
            new { email = "  " + colleague.Email.ToUpperInvariant() + " ", orgRole = "reviewer" }), HttpStatusCode.Created);
        Assert.That(invited.GetProperty("email").GetString(), Is.EqualTo(colleague.Email));
        Assert.That(invited.GetProperty("status").GetString(), Is.EqualTo("pending"));
        var invitationId = invited.GetProperty("id").GetGuid();

        var pending = await colleague.GetAsync("/api/auth/invitations");
        var received = pending.GetProperty("items").EnumerateArray().Single();
        Assert.That(received.GetProperty("id").GetGuid(), Is.EqualTo(invitationId));
        Assert.That(received.GetProperty("organisationId").GetGuid(), Is.EqualTo(owner.OrgId));
        Assert.That(received.GetProperty("orgRole").GetString(), Is.EqualTo("reviewer"));
        Assert.That(received.GetProperty("invitedByName").GetString(), Is.EqualTo("E2E enterprise"));

        var joined = await Api.ReadAsync(await colleague.PostAsync($"/api/auth/invitations/{invitationId}/accept"), HttpStatusCode.OK);
        Assert.That(joined.GetProperty("orgRole").GetString(), Is.EqualTo("reviewer"));
        Assert.That(joined.GetProperty("current").GetBoolean(), Is.False);
        // Accepted once: again is a conflict naming the state, and it is gone from the pending list.
        Assert.That(await CodeAsync(await colleague.PostAsync($"/api/auth/invitations/{invitationId}/accept"), HttpStatusCode.Conflict),
            Is.EqualTo("conflict.accepted"));
        Assert.That((await colleague.GetAsync("/api/auth/invitations")).GetProperty("total").GetInt64(), Is.Zero);

        var memberships = await colleague.GetAsync("/api/auth/memberships");
        Assert.That(memberships.GetProperty("total").GetInt64(), Is.EqualTo(2));
        var items = memberships.GetProperty("items").EnumerateArray().ToList();
        Assert.That(items.Single(m => m.GetProperty("current").GetBoolean()).GetProperty("organisationId").GetGuid(), Is.EqualTo(colleague.OrgId));
        Assert.That(items.Single(m => m.GetProperty("organisationId").GetGuid() == owner.OrgId).GetProperty("orgRole").GetString(), Is.EqualTo("reviewer"));

        var token = await Api.ReadAsync(await colleague.PostAsync("/api/auth/switch", new { organisationId = owner.OrgId }), HttpStatusCode.OK);
        Assert.That(token.GetProperty("organisationId").GetGuid(), Is.EqualTo(owner.OrgId));
        Assert.That(token.GetProperty("role").GetString(), Is.EqualTo("enterprise"));
        Assert.That(token.GetProperty("orgRole").GetString(), Is.EqualTo("reviewer"));
        var acting = WithToken(colleague, token);
        // Acting for the owner's organisation: its orders, not the colleague's own.
        var order = await Scenario.CreateOrderAsync(owner, items: 1);
        Assert.That((await acting.GetAsync($"/api/orders/orders/{order}")).GetProperty("id").GetGuid(), Is.EqualTo(order));
        Assert.That((await colleague.Http.GetAsync($"/api/orders/orders/{order}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var actingMemberships = await acting.GetAsync("/api/auth/memberships");
        Assert.That(actingMemberships.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("current").GetBoolean())
            .GetProperty("organisationId").GetGuid(), Is.EqualTo(owner.OrgId));

        var members = await owner.GetAsync("/api/organisation/members");
        Assert.That(members.GetProperty("total").GetInt64(), Is.EqualTo(2));
        Assert.That(members.Ids("userId"), Is.EquivalentTo(new[] { owner.UserId, colleague.UserId }));
        // A plain sign-in still acts for the organisation the colleague founded, as its owner.
        var again = await Api.SignInAsync(colleague.Email, "e2e-password-1");
        Assert.That(again.OrgId, Is.EqualTo(colleague.OrgId));
    }

    [Test]
    public async Task Me_shows_the_organisation_the_person_acts_for_with_its_role_there()
    {
        var owner = await Api.SignUpAsync("vendor");
        var ownerName = (await owner.GetAsync("/api/auth/me")).GetProperty("organisationName").GetString();
        var colleague = await MemberAsync(owner, "finance", kind: "worker");

        var me = await colleague.GetAsync("/api/auth/me");
        Assert.That(me.GetProperty("userId").GetGuid(), Is.EqualTo(colleague.UserId));
        Assert.That(me.GetProperty("role").GetString(), Is.EqualTo("worker"), "the account's own kind");
        Assert.That(me.GetProperty("organisationId").GetGuid(), Is.Not.EqualTo(owner.OrgId), "the organisation it founded");
        var acting = me.GetProperty("actingFor");
        Assert.That(acting.GetProperty("organisationId").GetGuid(), Is.EqualTo(owner.OrgId));
        Assert.That(acting.GetProperty("organisationName").GetString(), Is.EqualTo(ownerName));
        Assert.That(acting.GetProperty("organisationKind").GetString(), Is.EqualTo("vendor"));
        Assert.That(acting.GetProperty("orgRole").GetString(), Is.EqualTo("finance"));

        // Its own sign-in acts for the worker organisation it founded, as its owner.
        var own = (await Api.SignInAsync(colleague.Email, "e2e-password-1")).GetAsync("/api/auth/me");
        var ownActing = (await own).GetProperty("actingFor");
        Assert.That(ownActing.GetProperty("organisationId").GetGuid(), Is.EqualTo(me.GetProperty("organisationId").GetGuid()));
        Assert.That(ownActing.GetProperty("organisationKind").GetString(), Is.EqualTo("worker"));
        Assert.That(ownActing.GetProperty("orgRole").GetString(), Is.EqualTo("owner"));

        // Removed from the vendor: the old token's /me says it acts for nothing any more.
        Assert.That((await Api.Send(owner.Http, HttpMethod.Delete, $"/api/organisation/members/{colleague.UserId}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await colleague.GetAsync("/api/auth/me")).GetProperty("actingFor").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
    }

    [Test]
    public async Task Someone_who_registers_after_being_invited_sees_the_invitation_and_declines_it()
    {
        var owner = await Api.SignUpAsync("vendor");
        var email = $"later-{Guid.NewGuid():N}@e2e.test";
        var invitation = await InviteAsync(owner, email, "finance");
        using var anonymous = Api.Anonymous();
        await Api.ReadAsync(await anonymous.PostAsJsonAsync("/api/auth/register", new
        {
            email, password = "e2e-password-1", displayName = "Late joiner", role = "worker",
        }), HttpStatusCode.Created);
        var person = await Api.SignInAsync(email, "e2e-password-1");
        Assert.That((await person.GetAsync("/api/auth/invitations")).Ids(), Is.EqualTo(new[] { invitation }));

        var declined = await Api.ReadAsync(await person.PostAsync($"/api/auth/invitations/{invitation}/decline"), HttpStatusCode.OK);
        Assert.That(declined.GetProperty("status").GetString(), Is.EqualTo("declined"));
        Assert.That(await CodeAsync(await person.PostAsync($"/api/auth/invitations/{invitation}/accept"), HttpStatusCode.Conflict),
            Is.EqualTo("conflict.declined"));
        Assert.That(await CodeAsync(await person.PostAsync("/api/auth/switch", new { organisationId = owner.OrgId }), HttpStatusCode.NotFound),
            Is.EqualTo("membership.not_found"));
        var declinedList = await owner.GetAsync("/api/organisation/invitations?status=declined");
        Assert.That(declinedList.Ids(), Is.EqualTo(new[] { invitation }));
        // The owner may invite again after a decline, and revoke that invitation; a revoked one is accepted by nobody.
        var second = await InviteAsync(owner, email, "reviewer");
        Assert.That((await Api.ReadAsync(await Api.Send(owner.Http, HttpMethod.Delete, $"/api/organisation/invitations/{second}"), HttpStatusCode.OK))
            .GetProperty("status").GetString(), Is.EqualTo("revoked"));
        Assert.That(await CodeAsync(await person.PostAsync($"/api/auth/invitations/{second}/accept"), HttpStatusCode.Conflict),
            Is.EqualTo("conflict.revoked"));
        Assert.That(await CodeAsync(await Api.Send(owner.Http, HttpMethod.Delete, $"/api/organisation/invitations/{second}"), HttpStatusCode.Conflict),
            Is.EqualTo("conflict.revoked"));
    }

    [Test]
    public async Task An_expired_invitation_cannot_be_accepted_and_the_owner_may_invite_again()
    {
        var owner = await Api.SignUpAsync("enterprise");
        var person = await Api.SignUpAsync("enterprise");
        var invitation = await InviteAsync(owner, person.Email, "finance");
        await using (var connection = new Npgsql.NpgsqlConnection(Cluster.Database("gateway")))
            await Dapper.SqlMapper.ExecuteAsync(connection,
                "UPDATE invitations SET created_at = now() - interval '8 days', expires_at = now() - interval '1 day' WHERE id = @invitation", new { invitation });
        Assert.That((await person.GetAsync("/api/auth/invitations")).GetProperty("total").GetInt64(), Is.Zero);
        Assert.That(await CodeAsync(await person.PostAsync($"/api/auth/invitations/{invitation}/accept"), HttpStatusCode.Conflict),
            Is.EqualTo("conflict.expired"));
        Assert.That((await owner.GetAsync("/api/organisation/invitations?status=expired")).Ids(), Is.EqualTo(new[] { invitation }));
        var fresh = await InviteAsync(owner, person.Email, "finance");
        await Api.ReadAsync(await person.PostAsync($"/api/auth/invitations/{fresh}/accept"), HttpStatusCode.OK);
        Assert.That((await owner.GetAsync("/api/organisation/members")).GetProperty("total").GetInt64(), Is.EqualTo(2));
    }

    [Test]
    public async Task A_reviewer_reviews_but_cannot_deposit_publish_cancel_or_award_and_finance_moves_money_but_cannot_review()
    {
        var owner = await Api.SignUpAsync("enterprise");
        var reviewer = await MemberAsync(owner, "reviewer");
        var finance = await MemberAsync(owner, "finance");

        // Finance deposits; the reviewer is refused with the reason, and the wallet does not move.
        await Scenario.DepositAsync(finance, 10.00m);
        var refused = await Api.ReadAsync(await reviewer.PostAsync("/api/settlement/wallet/deposits", new { amount = 5.00m, currency = "CNY" },
            Guid.NewGuid().ToString()), HttpStatusCode.Forbidden);
        Assert.That(refused.GetProperty("code").GetString(), Is.EqualTo("org_role.move_money"));
        Assert.That(refused.GetProperty("orgRole").GetString(), Is.EqualTo("reviewer"));
        Assert.That((await owner.GetAsync("/api/settlement/wallet")).Money("available"), Is.EqualTo(10.00m));

        // Anyone in the organisation drafts; publishing and cancelling commit money.
        var draft = await Scenario.CreateOrderAsync(reviewer, items: 2, unitPrice: 1.00m);
        Assert.That(await CodeAsync(await reviewer.PostAsync($"/api/orders/orders/{draft}/publish"), HttpStatusCode.Forbidden), Is.EqualTo("org_role.move_money"));
        Assert.That(await CodeAsync(await reviewer.PostAsync($"/api/orders/orders/{draft}/cancel"), HttpStatusCode.Forbidden), Is.EqualTo("org_role.move_money"));
        Assert.That((await owner.GetAsync($"/api/orders/orders/{draft}")).GetProperty("status").GetString(), Is.EqualTo("draft"));
        await Api.ReadAsync(await finance.PostAsync($"/api/orders/orders/{draft}/publish"), HttpStatusCode.Accepted);
        await Scenario.WaitForStatusAsync(owner, draft, "in_progress");
        await Api.EventuallyAsync(async () => await Scenario.AssignmentCountAsync(owner, draft) == 2, "tasks split the order");

        // Review: the reviewer approves, finance may not.
        var worker = await Api.SignUpAsync("worker");
        var first = await SubmitAsync(worker, draft);
        var second = await SubmitAsync(worker, draft);
        Assert.That(await CodeAsync(await finance.PostAsync($"/api/tasks/assignments/{first}/approve"), HttpStatusCode.Forbidden), Is.EqualTo("org_role.review"));
        Assert.That(await CodeAsync(await finance.PostAsync($"/api/tasks/assignments/{first}/reject", new { reasonCode = "other", comment = "No." }),
            HttpStatusCode.Forbidden), Is.EqualTo("org_role.review"));
        await Api.ReadAsync(await reviewer.PostAsync($"/api/tasks/assignments/{first}/approve"), HttpStatusCode.OK);
        await Api.ReadAsync(await owner.PostAsync($"/api/tasks/assignments/{second}/approve"), HttpStatusCode.OK);

        // Awarding a tender commits money too: the reviewer is refused, finance may (here: the call has no bids yet, 409).
        var vendor = await Tender.VendorAsync();
        var call = await Tender.OpenAsync(owner);
        var bid = await Tender.BidAsync(vendor, call);
        await Tender.PassDeadlineAsync(call);
        Assert.That(await CodeAsync(await reviewer.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId = bid }), HttpStatusCode.Forbidden),
            Is.EqualTo("org_role.move_money"));
        Assert.That(await Tender.StatusAsync(call), Is.EqualTo("closed"));
        await Api.ReadAsync(await finance.PostAsync($"/api/bidding/calls/{call.Id}/award", new { bidId = bid }), HttpStatusCode.OK);
    }

    [Test]
    public async Task A_vendors_reviewer_cannot_bid_revise_or_withdraw_a_bid_but_its_finance_member_can()
    {
        var owner = await Tender.VendorAsync();
        var reviewer = await MemberAsync(owner, "reviewer");
        var finance = await MemberAsync(owner, "finance");
        var enterprise = await Api.SignUpAsync("enterprise");
        var call = await Tender.OpenAsync(enterprise);

        Assert.That(await CodeAsync(await reviewer.PostAsync($"/api/bidding/calls/{call.Id}/bids", Tender.BidBody()), HttpStatusCode.Forbidden),
            Is.EqualTo("org_role.commit"));
        var bid = await Tender.BidAsync(finance, call, 60m);
        Assert.That(await CodeAsync(await Api.Send(reviewer.Http, HttpMethod.Put, $"/api/bidding/bids/{bid}", Tender.BidBody(40m)), HttpStatusCode.Forbidden),
            Is.EqualTo("org_role.commit"));
        Assert.That(await CodeAsync(await Api.Send(reviewer.Http, HttpMethod.Delete, $"/api/bidding/bids/{bid}"), HttpStatusCode.Forbidden),
            Is.EqualTo("org_role.commit"));
        // Every member reads the organisation's bids; the bid is unchanged.
        var seen = await reviewer.GetAsync($"/api/bidding/bids/{bid}");
        Assert.That(seen.GetProperty("amount").GetDecimal(), Is.EqualTo(60m));
        Assert.That(seen.GetProperty("status").GetString(), Is.EqualTo("live"));
        await Api.ReadAsync(await Api.Send(owner.Http, HttpMethod.Delete, $"/api/bidding/bids/{bid}"), HttpStatusCode.OK);
    }

    [Test]
    public async Task Only_owners_manage_members_and_the_last_owner_can_be_neither_demoted_nor_removed()
    {
        var owner = await Api.SignUpAsync("enterprise");
        var finance = await MemberAsync(owner, "finance");
        var reviewer = await MemberAsync(owner, "reviewer");

        foreach (var member in new[] { finance, reviewer })
        {
            Assert.That(await CodeAsync(await member.PostAsync("/api/organisation/invitations", new { email = "x@e2e.test", orgRole = "owner" }),
                HttpStatusCode.Forbidden), Is.EqualTo("org_role.manage_members"));
            Assert.That(await CodeAsync(await member.Http.GetAsync("/api/organisation/members"), HttpStatusCode.Forbidden), Is.EqualTo("org_role.manage_members"));
            Assert.That(await CodeAsync(await Api.Send(member.Http, HttpMethod.Put, $"/api/organisation/members/{member.UserId}", new { orgRole = "owner" }),
                HttpStatusCode.Forbidden), Is.EqualTo("org_role.manage_members"));
            Assert.That(await CodeAsync(await Api.Send(member.Http, HttpMethod.Delete, $"/api/organisation/members/{owner.UserId}"),
                HttpStatusCode.Forbidden), Is.EqualTo("org_role.manage_members"));
        }

        Assert.That(await CodeAsync(await Api.Send(owner.Http, HttpMethod.Delete, $"/api/organisation/members/{owner.UserId}"), HttpStatusCode.Conflict),
            Is.EqualTo("organisation.last_owner"));
        Assert.That(await CodeAsync(await Api.Send(owner.Http, HttpMethod.Put, $"/api/organisation/members/{owner.UserId}", new { orgRole = "finance" }),
            HttpStatusCode.Conflict), Is.EqualTo("organisation.last_owner"));

        // Another owner first; then the founder may step down, and the new owner removes the reviewer.
        var promoted = await Api.ReadAsync(await Api.Send(owner.Http, HttpMethod.Put, $"/api/organisation/members/{finance.UserId}", new { orgRole = "owner" }),
            HttpStatusCode.OK);
        Assert.That(promoted.GetProperty("orgRole").GetString(), Is.EqualTo("owner"));
        await Api.ReadAsync(await Api.Send(owner.Http, HttpMethod.Put, $"/api/organisation/members/{owner.UserId}", new { orgRole = "reviewer" }), HttpStatusCode.OK);
        // The founder's token still says owner: the gateway refuses it now, rather than for the rest of its hours.
        Assert.That(await CodeAsync(await owner.Http.GetAsync("/api/organisation/members"), HttpStatusCode.Unauthorized), Is.EqualTo("auth.membership_changed"));
        var newOwner = await SwitchAsync(finance, owner.OrgId);
        await Api.ReadAsync(await Api.Send(newOwner.Http, HttpMethod.Delete, $"/api/organisation/members/{reviewer.UserId}"), HttpStatusCode.NoContent);
        Assert.That(await CodeAsync(await Api.Send(newOwner.Http, HttpMethod.Delete, $"/api/organisation/members/{reviewer.UserId}"), HttpStatusCode.NotFound),
            Is.EqualTo("member.not_found"));
        var members = await newOwner.GetAsync("/api/organisation/members");
        Assert.That(members.Ids("userId"), Is.EquivalentTo(new[] { owner.UserId, finance.UserId }));
        // The removed member can no longer act for the organisation: neither with the token it holds nor with a new one.
        Assert.That(await CodeAsync(await reviewer.Http.GetAsync("/api/orders/orders"), HttpStatusCode.Unauthorized), Is.EqualTo("auth.membership_changed"));
        Assert.That(await CodeAsync(await reviewer.PostAsync("/api/auth/switch", new { organisationId = owner.OrgId }), HttpStatusCode.NotFound),
            Is.EqualTo("membership.not_found"));
        // The founder, now a reviewer, signs in acting for its organisation with that role.
        var founder = await Api.ReadAsync(await Api.Anonymous().PostAsJsonAsync("/api/auth/token", new { email = owner.Email, password = "e2e-password-1" }),
            HttpStatusCode.OK);
        Assert.That(founder.GetProperty("orgRole").GetString(), Is.EqualTo("reviewer"));
    }

    [Test]
    public async Task Two_owners_demoting_each_other_at_once_leave_exactly_one_owner()
    {
        for (var round = 0; round < 3; round++)
        {
            var first = await Api.SignUpAsync("vendor");
            var second = await MemberAsync(first, "owner");
            var answers = await Task.WhenAll(
                Api.Send(first.Http, HttpMethod.Put, $"/api/organisation/members/{second.UserId}", new { orgRole = "finance" }),
                Api.Send(second.Http, HttpMethod.Put, $"/api/organisation/members/{first.UserId}", new { orgRole = "finance" }));
            var statuses = answers.Select(a => a.StatusCode).ToList();
            Assert.That(statuses.Count(s => s == HttpStatusCode.OK), Is.EqualTo(1), string.Join(", ", statuses));
            // The other waited for the lock and found the last owner (409), or came after and held a stale token (401).
            Assert.That(statuses.Single(s => s != HttpStatusCode.OK), Is.AnyOf(HttpStatusCode.Conflict, HttpStatusCode.Unauthorized));
            var owner = statuses[0] == HttpStatusCode.OK ? first : second;
            var members = (await owner.GetAsync("/api/organisation/members")).GetProperty("items").EnumerateArray().ToList();
            Assert.That(members.Count(m => m.GetProperty("orgRole").GetString() == "owner"), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Another_organisations_invitation_and_member_ids_answer_404_and_change_nothing()
    {
        var owner = await Api.SignUpAsync("enterprise");
        var member = await MemberAsync(owner, "reviewer");
        var pendingFor = await Api.SignUpAsync("enterprise");
        var invitation = await InviteAsync(owner, pendingFor.Email, "finance");
        var other = await Api.SignUpAsync("enterprise");
        var stranger = await Api.SignUpAsync("enterprise");

        Assert.That(await CodeAsync(await Api.Send(other.Http, HttpMethod.Delete, $"/api/organisation/invitations/{invitation}"), HttpStatusCode.NotFound),
            Is.EqualTo("invitation.not_found"));
        Assert.That(await CodeAsync(await Api.Send(other.Http, HttpMethod.Put, $"/api/organisation/members/{member.UserId}", new { orgRole = "owner" }),
            HttpStatusCode.NotFound), Is.EqualTo("member.not_found"));
        Assert.That(await CodeAsync(await Api.Send(other.Http, HttpMethod.Delete, $"/api/organisation/members/{member.UserId}"), HttpStatusCode.NotFound),
            Is.EqualTo("member.not_found"));
        // An invitation addressed to someone else does not exist for the caller, whatever organisation it acts for.
        Assert.That(await CodeAsync(await stranger.PostAsync($"/api/auth/invitations/{invitation}/accept"), HttpStatusCode.NotFound),
            Is.EqualTo("invitation.not_found"));
        Assert.That(await CodeAsync(await member.PostAsync($"/api/auth/invitations/{invitation}/decline"), HttpStatusCode.NotFound),
            Is.EqualTo("invitation.not_found"));
        Assert.That(await CodeAsync(await stranger.PostAsync("/api/auth/switch", new { organisationId = owner.OrgId }), HttpStatusCode.NotFound),
            Is.EqualTo("membership.not_found"));
        Assert.That((await other.GetAsync("/api/organisation/invitations")).GetProperty("total").GetInt64(), Is.Zero);

        // Nothing changed: the invitation is still pending for its addressee, the member still a reviewer.
        Assert.That((await pendingFor.GetAsync("/api/auth/invitations")).Ids(), Is.EqualTo(new[] { invitation }));
        var members = (await owner.GetAsync("/api/organisation/members")).GetProperty("items").EnumerateArray();
        Assert.That(members.Single(m => m.GetProperty("userId").GetGuid() == member.UserId).GetProperty("orgRole").GetString(), Is.EqualTo("reviewer"));
    }

    [Test]
    public async Task Inviting_tells_nothing_about_which_addresses_have_accounts_and_is_rate_limited_per_organisation()
    {
        var owner = await Api.SignUpAsync("vendor");
        var existing = await Api.SignUpAsync("worker");
        var withAccount = await Api.ReadAsync(await owner.PostAsync("/api/organisation/invitations", new { email = existing.Email, orgRole = "reviewer" }),
            HttpStatusCode.Created);
        var withoutAccount = await Api.ReadAsync(await owner.PostAsync("/api/organisation/invitations",
            new { email = $"nobody-{Guid.NewGuid():N}@e2e.test", orgRole = "reviewer" }), HttpStatusCode.Created);
        Assert.That(withAccount.EnumerateObject().Select(p => p.Name), Is.EqualTo(withoutAccount.EnumerateObject().Select(p => p.Name)));
        Assert.That(withAccount.GetProperty("status").GetString(), Is.EqualTo(withoutAccount.GetProperty("status").GetString()));

        Assert.That(await CodeAsync(await owner.PostAsync("/api/organisation/invitations", new { email = existing.Email, orgRole = "finance" }),
            HttpStatusCode.Conflict), Is.EqualTo("invitation.pending"));
        Assert.That(await CodeAsync(await owner.PostAsync("/api/organisation/invitations", new { email = owner.Email, orgRole = "finance" }),
            HttpStatusCode.Conflict), Is.EqualTo("invitation.already_member"));

        // 20 an hour per organisation (two sent above): the 21st is refused, and another organisation is not affected.
        for (var i = 0; i < 18; i++) await InviteAsync(owner, $"bulk-{i}-{Guid.NewGuid():N}@e2e.test", "reviewer");
        var limited = await owner.PostAsync("/api/organisation/invitations", new { email = $"one-more-{Guid.NewGuid():N}@e2e.test", orgRole = "reviewer" });
        Assert.That(limited.Headers.RetryAfter, Is.Not.Null);
        Assert.That(await CodeAsync(limited, HttpStatusCode.TooManyRequests), Is.EqualTo("invitation.rate_limited"));
        Assert.That((await owner.GetAsync("/api/organisation/invitations?pageSize=100")).GetProperty("total").GetInt64(), Is.EqualTo(20));
        await InviteAsync(await Api.SignUpAsync("vendor"), $"elsewhere-{Guid.NewGuid():N}@e2e.test", "finance");
    }

    [Test]
    public async Task Every_new_endpoint_names_bad_input_and_refuses_the_wrong_kind_of_organisation()
    {
        var owner = await Api.SignUpAsync("enterprise");
        var worker = await Api.SignUpAsync("worker", verified: false);
        var op = await Api.OperatorAsync();
        const string invitations = "/api/organisation/invitations";

        async Task FieldAsync(HttpResponseMessage response, string field, string code)
        {
            var problem = await Api.ReadAsync(response, HttpStatusCode.BadRequest);
            Assert.That(problem.GetProperty("errorCodes").GetProperty(field)[0].GetString(), Is.EqualTo(code), problem.ToString());
        }

        await FieldAsync(await owner.PostAsync(invitations, new { email = "not-an-address", orgRole = "reviewer" }), "email", "validation.invalid");
        await FieldAsync(await owner.PostAsync(invitations, new { email = "", orgRole = "reviewer" }), "email", "validation.required");
        await FieldAsync(await owner.PostAsync(invitations, new { email = new string('a', 250) + "@e2e.test", orgRole = "reviewer" }), "email", "validation.too_long");
        await FieldAsync(await owner.PostAsync(invitations, new { email = "a@e2e.test", orgRole = "admin" }), "orgRole", "validation.not_allowed");
        await FieldAsync(await owner.PostAsync(invitations, new { email = "a@e2e.test" }), "orgRole", "validation.required");
        Assert.That((await Api.ReadAsync(await owner.PostAsync(invitations, "{\"email\": 5"), HttpStatusCode.BadRequest)).GetProperty("code").GetString(),
            Is.EqualTo("request.malformed"));
        Assert.That(await CodeAsync(await owner.PostAsync(invitations), HttpStatusCode.BadRequest), Is.AnyOf("request.body_required", "request.malformed"));
        await FieldAsync(await owner.Http.GetAsync($"{invitations}?status=lost"), "status", "validation.not_allowed");
        foreach (var list in new[] { invitations, "/api/organisation/members", "/api/auth/invitations", "/api/auth/memberships" })
        {
            await FieldAsync(await owner.Http.GetAsync($"{list}?page=0"), "page", "validation.out_of_range");
            await FieldAsync(await owner.Http.GetAsync($"{list}?pageSize=101"), "pageSize", "validation.out_of_range");
        }
        await FieldAsync(await Api.Send(owner.Http, HttpMethod.Put, $"/api/organisation/members/{owner.UserId}", new { orgRole = "boss" }), "orgRole",
            "validation.not_allowed");
        await FieldAsync(await owner.PostAsync("/api/auth/switch", new { organisationId = Guid.Empty }), "organisationId", "validation.required");
        Assert.That((await owner.PostAsync("/api/auth/switch", new { organisationId = "yesterday" })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await owner.PostAsync($"/api/auth/invitations/not-a-guid/accept")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await CodeAsync(await owner.PostAsync($"/api/auth/invitations/{Guid.NewGuid()}/accept"), HttpStatusCode.NotFound),
            Is.EqualTo("invitation.not_found"));

        // Workers' and operators' organisations have no members to manage; nobody anonymous reaches any of it.
        foreach (var caller in new[] { worker, op })
        {
            Assert.That(await CodeAsync(await caller.PostAsync(invitations, new { email = "a@e2e.test", orgRole = "reviewer" }), HttpStatusCode.Forbidden),
                Is.EqualTo("auth.forbidden"));
            Assert.That(await CodeAsync(await caller.Http.GetAsync("/api/organisation/members"), HttpStatusCode.Forbidden), Is.EqualTo("auth.forbidden"));
        }
        Assert.That((await op.GetAsync("/api/auth/invitations")).GetProperty("total").GetInt64(), Is.Zero);
        using var anonymous = Api.Anonymous();
        foreach (var path in new[] { invitations, "/api/organisation/members", "/api/auth/invitations", "/api/auth/memberships" })
            Assert.That((await anonymous.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await owner.GetAsync(invitations)).GetProperty("total").GetInt64(), Is.Zero);
    }

    private static async Task<Guid> SubmitAsync(Actor worker, Guid orderId)
    {
        var id = (await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/claim?orderId={orderId}"), HttpStatusCode.OK))
            .GetProperty("assignmentId").GetGuid();
        await Api.ReadAsync(await worker.PostAsync($"/api/tasks/assignments/{id}/submit", new { answer = "positive" }), HttpStatusCode.OK);
        return id;
    }
}
