using Marketplace.Labeling;
using Marketplace.Labeling.Money;

namespace Marketplace.Orders.Domain;

/// <summary>
/// The rules of a contracted order's work plan, at every tier: what a vendor earns from the order (its income), what a
/// package commits of it, whether a new package fits (items left, money left, the data grade). Pure: the endpoints read
/// the numbers and ask here.
/// </summary>
public static class WorkPlan
{
    public static class Kinds
    {
        public const string Team = "team";
        public const string Crowd = "crowd";
        public const string Subcontract = "subcontract";
        public static readonly IReadOnlyList<string> All = [Team, Crowd, Subcontract];
    }

    /// <summary>
    /// The contract holder's income, as the split at acceptance will credit it: the contract price less the late penalty
    /// less the platform's fee on the rest (<see cref="ContractFee"/>: the order's percent to the fen, at least its
    /// minimum fee). A sub-vendor's income is its sub-contract's price.
    /// </summary>
    public static decimal ContractIncome(decimal contractPrice, decimal penalty, decimal feePercent, decimal minimumFee) =>
        contractPrice - penalty - ContractFee.Of(contractPrice - penalty, feePercent, minimumFee);

    /// <summary>
    /// The late penalty the guard counts: what the contract owes if it were delivered now, or, once first delivered, what
    /// that delivery fixed (<see cref="LatePenalty"/>). Before the deliver-by it is nothing; after it, it grows each day.
    /// </summary>
    public static decimal PenaltyOwed(decimal contractPrice, DateTimeOffset? deliverBy, DateTimeOffset? firstDeliveredAt, DateTimeOffset now,
        decimal percentPerDay, decimal maxPercent) =>
        deliverBy is { } by ? LatePenalty.Amount(contractPrice, by, firstDeliveredAt ?? now, percentPerDay, maxPercent) : 0m;

    /// <summary>The most a team or crowd package can cost: every item answered as often as the order allows, each answer paid.</summary>
    public static decimal MostCost(int items, int maxAnswers, decimal rewardPerAnswer) => items * maxAnswers * rewardPerAnswer;

    /// <summary>What a refused package is refused for (a stable problem code and a sentence), or null when it fits.</summary>
    public sealed record Refusal(string Code, string Detail);

    /// <param name="dataGrade">The order's data grade.</param>
    /// <param name="kind">team, crowd or subcontract.</param>
    /// <param name="requested">Items asked for.</param>
    /// <param name="unallocated">Items of the caller's tier not yet in a live package.</param>
    /// <param name="income">The caller's income from the order.</param>
    /// <param name="committed">What the caller's live packages already commit (their most cost, sub-contracts' prices).</param>
    /// <param name="cost">What the new package commits.</param>
    public static Refusal? Check(string dataGrade, string kind, int requested, int unallocated, decimal income, decimal committed, decimal cost)
    {
        if (kind == Kinds.Crowd && !DataGrades.MayGoToCrowd(dataGrade))
            return new Refusal("work.core_data_not_for_crowd", "Core-grade data never goes to the crowd: put it to your team or a certified sub-vendor.");
        if (requested > unallocated)
            return new Refusal("work.not_enough_items", $"{requested} items were asked for, but only {unallocated} of your items are not in a package yet.");
        if (committed + cost > income)
            return new Refusal("work.over_income",
                $"This package commits {cost} on top of {committed} already committed, more than your income of {income} from the order.");
        return null;
    }
}
