using Marketplace.Labeling;
using Marketplace.Orders.Domain;

namespace Marketplace.Platform.Tests.Rules;

/// <summary>A contracted order's work plan: income, what a package commits, and the package rules at every tier.</summary>
public class WorkPlanTests
{
    [TestCase("100", "10", "90")]
    [TestCase("15", "12.5", "13.125")]
    [TestCase("0.01", "10", "0.009")]
    [TestCase("33.3333", "7", "31")] // fee 2.333331 rounds half-up to 2.3333 at the ledger's 0.0001
    [TestCase("1", "0", "1")]
    public void The_contract_holder_earns_the_contract_price_less_the_platform_fee(string price, string percent, string income) =>
        Assert.That(WorkPlan.ContractIncome(decimal.Parse(price), decimal.Parse(percent)), Is.EqualTo(decimal.Parse(income)));

    [Test]
    public void A_package_commits_every_item_answered_as_often_as_the_order_allows() =>
        Assert.That(WorkPlan.MostCost(items: 7, maxAnswers: 3, rewardPerAnswer: 0.1234m), Is.EqualTo(2.5914m));

    [Test]
    public void A_package_that_fits_is_allowed() =>
        Assert.That(WorkPlan.Check("general", WorkPlan.Kinds.Crowd, requested: 4, unallocated: 4, income: 10m, committed: 6m, cost: 4m), Is.Null);

    [Test]
    public void Spending_exactly_the_income_is_allowed_and_one_smallest_unit_more_is_not()
    {
        Assert.That(WorkPlan.Check("general", WorkPlan.Kinds.Team, 1, 10, income: 13.125m, committed: 13m, cost: 0.125m), Is.Null);
        var over = WorkPlan.Check("general", WorkPlan.Kinds.Team, 1, 10, income: 13.125m, committed: 13m, cost: 0.1251m);
        Assert.That(over?.Code, Is.EqualTo("work.over_income"));
    }

    [Test]
    public void A_sub_contract_price_counts_against_the_income_like_work() =>
        Assert.That(WorkPlan.Check("general", WorkPlan.Kinds.Subcontract, 2, 10, income: 9m, committed: 5m, cost: 4.0001m)?.Code,
            Is.EqualTo("work.over_income"));

    [TestCase(5, 4, "work.not_enough_items")]
    [TestCase(1, 0, "work.not_enough_items")]
    [TestCase(4, 4, null)]
    public void A_package_takes_only_items_not_yet_allocated(int requested, int unallocated, string? code) =>
        Assert.That(WorkPlan.Check("general", WorkPlan.Kinds.Team, requested, unallocated, 100m, 0m, 1m)?.Code, Is.EqualTo(code));

    [TestCase("core", "crowd", "work.core_data_not_for_crowd")]
    [TestCase("core", "team", null)]
    [TestCase("core", "subcontract", null)]
    [TestCase("important", "crowd", null)]
    [TestCase("general", "crowd", null)]
    public void Core_data_never_goes_to_the_crowd_at_any_tier(string grade, string kind, string? code) =>
        Assert.That(WorkPlan.Check(grade, kind, 1, 1, 100m, 0m, 1m)?.Code, Is.EqualTo(code));

    [Test]
    public void The_grade_rule_comes_before_the_items_and_money_rules() =>
        Assert.That(WorkPlan.Check("core", WorkPlan.Kinds.Crowd, 50, 1, 1m, 1m, 100m)?.Code, Is.EqualTo("work.core_data_not_for_crowd"));

    [Test]
    public void Only_core_data_is_kept_from_the_crowd()
    {
        Assert.That(DataGrades.Ordered.Where(DataGrades.MayGoToCrowd), Is.EqualTo(new[] { DataGrades.General, DataGrades.Important }));
    }
}
