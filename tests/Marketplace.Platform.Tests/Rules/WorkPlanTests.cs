using Marketplace.Labeling;
using Marketplace.Orders.Domain;

namespace Marketplace.Platform.Tests.Rules;

/// <summary>A contracted order's work plan: income, what a package commits, and the package rules at every tier.</summary>
public class WorkPlanTests
{
    [TestCase("100", "0", "10", "0", "90")]
    [TestCase("15", "0", "12.5", "0", "13.12")] // fee 1.875 rounds half away from zero to the fen, as the split takes it
    [TestCase("0.01", "0", "10", "0", "0.01")]
    [TestCase("33.3333", "0", "7", "0", "31.0033")] // fee 2.333331 is 2.33
    [TestCase("1", "0", "0", "0", "1")]
    [TestCase("15", "0", "10", "2", "13")] // the order's minimum fee
    [TestCase("15", "1.50", "10", "0", "12.15")] // the penalty comes off first, the fee is on the rest
    [TestCase("15", "15", "10", "0", "0")]
    public void The_contract_holder_earns_what_the_split_will_credit_it_price_less_penalty_less_fee(
        string price, string penalty, string percent, string minimum, string income) =>
        Assert.That(WorkPlan.ContractIncome(decimal.Parse(price), decimal.Parse(penalty), decimal.Parse(percent), decimal.Parse(minimum)),
            Is.EqualTo(decimal.Parse(income)));

    [Test]
    public void The_guard_counts_the_penalty_owed_if_delivered_now_and_the_fixed_one_once_delivered()
    {
        var by = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Multiple(() =>
        {
            Assert.That(WorkPlan.PenaltyOwed(100m, by, null, by.AddHours(-1), 2m, 10m), Is.Zero, "on time so far");
            Assert.That(WorkPlan.PenaltyOwed(100m, by, null, by.AddMinutes(1), 2m, 10m), Is.EqualTo(2m), "a minute late is a day");
            Assert.That(WorkPlan.PenaltyOwed(100m, by, null, by.AddDays(30), 2m, 10m), Is.EqualTo(10m), "at most the cap");
            Assert.That(WorkPlan.PenaltyOwed(100m, by, by.AddDays(1.5), by.AddDays(30), 2m, 10m), Is.EqualTo(4m), "the first delivery fixed it");
            Assert.That(WorkPlan.PenaltyOwed(100m, null, null, by.AddDays(30), 2m, 10m), Is.Zero, "no deliver-by, no penalty");
        });
    }

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
