using Marketplace.Labeling.Money;
using Marketplace.Settlement.Domain;

namespace Marketplace.Platform.Tests.Settlement;

public class ContractMoneyTests
{
    private static readonly DateTimeOffset DeliverBy = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [TestCase(-60, 0)]
    [TestCase(0, 0)]
    [TestCase(1, 1)]
    [TestCase(24 * 60, 1)]
    [TestCase(24 * 60 + 1, 2)]
    [TestCase(3 * 24 * 60, 3)]
    public void A_delivery_is_late_by_every_day_or_part_of_a_day_after_its_deliver_by(int minutesLate, int days) =>
        Assert.That(LatePenalty.DaysLate(DeliverBy, DeliverBy.AddMinutes(minutesLate)), Is.EqualTo(days));

    [Test]
    public void A_contract_not_yet_delivered_owes_no_penalty() =>
        Assert.That(LatePenalty.Amount(100m, DeliverBy, null, 2m, 10m), Is.Zero);

    [TestCase("100.00", 1, "2", "10", "2.00")]
    [TestCase("100.00", 3, "2", "10", "6.00")]
    [TestCase("100.00", 9, "2", "10", "10.00")]
    [TestCase("33.33", 1, "1.5", "20", "0.50")]   // 0.49995 rounds half away from zero to 0.50
    [TestCase("33.31", 1, "1.5", "20", "0.50")]   // 0.49965
    [TestCase("0.01", 1, "1", "20", "0.00")]
    public void The_penalty_is_a_percent_per_day_of_the_price_capped_and_rounded_to_the_fen(string price, int daysLate, string perDay,
        string max, string penalty) =>
        Assert.That(LatePenalty.Amount(decimal.Parse(price), DeliverBy, DeliverBy.AddHours(24 * daysLate - 1), decimal.Parse(perDay),
            decimal.Parse(max)), Is.EqualTo(decimal.Parse(penalty)));

    [TestCase("15.00", "10", "0", "1.50")]
    [TestCase("15.55", "10", "0", "1.56")]    // 1.555 → 1.56
    [TestCase("15.00", "10", "5", "5")]       // the order's minimum fee
    [TestCase("3.00", "10", "5", "3.00")]     // never more than the price after penalty
    [TestCase("0.00", "10", "5", "0.00")]
    public void The_contract_fee_is_the_percent_of_the_price_after_penalty_at_least_the_minimum(string basis, string percent, string minimum, string fee) =>
        Assert.That(ContractSplit.Fee(decimal.Parse(basis), decimal.Parse(percent), decimal.Parse(minimum)), Is.EqualTo(decimal.Parse(fee)));

    [Test]
    public void A_vendor_that_did_all_the_work_itself_receives_the_price_less_penalty_and_fee()
    {
        var vendor = Guid.NewGuid();
        var shares = ContractSplit.Split(15m, 0.30m, 10m, 0m, vendor, new Dictionary<Guid, decimal>(), []);
        Assert.That(shares.Penalty, Is.EqualTo(0.30m));
        Assert.That(shares.Fee, Is.EqualTo(1.47m));                 // 10% of 14.70
        Assert.That(shares.Receivables[vendor], Is.EqualTo(13.23m));
        Assert.That(shares.Penalty + shares.Fee + shares.Receivables.Values.Sum(), Is.EqualTo(15m));
    }

    [Test]
    public void Three_tiers_each_receive_their_income_less_their_spend_and_what_they_gave_on()
    {
        // Top vendor A holds a 1,000.00 contract, delivered 2 days late at 1%/day; fee 8%. Its team's approvals took
        // 120.50; it sub-contracted to B for 400.00. B's crowd took 93.33 and B sub-contracted to C for 150.00; C's team
        // took 49.99.
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid();
        var spend = new Dictionary<Guid, decimal> { [a] = 120.50m, [b] = 93.33m, [c] = 49.99m };
        Subcontract[] subs = [new(a, b, 400m), new(b, c, 150m)];
        var shares = ContractSplit.Split(1000m, 20m, 8m, 0m, a, spend, subs);

        Assert.That(shares.Penalty, Is.EqualTo(20m));
        Assert.That(shares.Fee, Is.EqualTo(78.40m));
        Assert.That(shares.Receivables[a], Is.EqualTo(1000m - 20m - 78.40m - 120.50m - 400m));  // 381.10
        Assert.That(shares.Receivables[b], Is.EqualTo(400m - 93.33m - 150m));                   // 156.67
        Assert.That(shares.Receivables[c], Is.EqualTo(150m - 49.99m));                          // 100.01
        Assert.That(shares.Penalty + shares.Fee + shares.Receivables.Values.Sum() + spend.Values.Sum(), Is.EqualTo(1000m),
            "every fen of the price is someone's");
    }

    [Test]
    public void A_vendor_with_two_sub_vendors_and_odd_fen_keeps_the_exact_rest()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid();
        var spend = new Dictionary<Guid, decimal> { [b] = 0.0003m };
        var shares = ContractSplit.Split(333.33m, 0m, 12.5m, 0m, a, spend, [new(a, b, 111.11m), new(a, c, 0.01m)]);
        Assert.That(shares.Fee, Is.EqualTo(41.67m));                 // 41.66625 → 41.67
        Assert.That(shares.Receivables[a], Is.EqualTo(333.33m - 41.67m - 111.11m - 0.01m));
        Assert.That(shares.Receivables[b], Is.EqualTo(111.1097m));
        Assert.That(shares.Receivables[c], Is.EqualTo(0.01m));
        Assert.That(shares.Fee + shares.Receivables.Values.Sum() + spend.Values.Sum(), Is.EqualTo(333.33m));
    }

    [Test]
    public void A_vendor_that_spent_more_than_it_earned_owes_the_difference()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        var shares = ContractSplit.Split(100m, 0m, 10m, 0m, a, new Dictionary<Guid, decimal> { [b] = 60m }, [new(a, b, 50m)]);
        Assert.That(shares.Receivables[b], Is.EqualTo(-10m));
        Assert.That(shares.Receivables[a], Is.EqualTo(40m));
    }

    [Test]
    public void A_vendor_cannot_sub_contract_to_itself_or_back_to_the_top() =>
        Assert.Multiple(() =>
        {
            Guid a = Guid.NewGuid(), b = Guid.NewGuid();
            var none = new Dictionary<Guid, decimal>();
            Assert.Throws<ArgumentException>(() => ContractSplit.Split(100m, 0m, 10m, 0m, a, none, [new(b, b, 5m)]));
            Assert.Throws<ArgumentException>(() => ContractSplit.Split(100m, 0m, 10m, 0m, a, none, [new(a, b, 5m), new(b, a, 1m)]));
            Assert.Throws<ArgumentOutOfRangeException>(() => ContractSplit.Split(100m, 101m, 10m, 0m, a, none, []));
        });
}
