using Marketplace.Orders.Domain;
using Marketplace.Payouts.Domain;

namespace Marketplace.Platform.Tests.Rules;

public class MoneyRulesTests
{
    [TestCase("1.20", "10", "1.08", "0.12")]
    [TestCase("0.05", "10", "0.045", "0.005")]
    [TestCase("0.0003", "12.5", "0.0003", "0.0000")]
    [TestCase("0.0005", "10", "0.0004", "0.0001")]
    [TestCase("3.3333", "15", "2.8333", "0.5000")]
    public void The_platform_fee_is_rounded_to_the_ledger_unit_and_the_worker_gets_the_exact_rest(
        string price, string percent, string reward, string fee)
    {
        var (workerReward, platformFee) = PlatformFee.Split(decimal.Parse(price), decimal.Parse(percent));
        Assert.That(workerReward, Is.EqualTo(decimal.Parse(reward)));
        Assert.That(platformFee, Is.EqualTo(decimal.Parse(fee)));
        Assert.That(workerReward + platformFee, Is.EqualTo(decimal.Parse(price)), "nothing is lost to rounding");
    }

    [Test]
    public void A_price_of_zero_has_no_split() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PlatformFee.Split(0m, 10m));

    [TestCase("2.1699", "2.16")]
    [TestCase("0.0099", "0.00")]
    [TestCase("10.00", "10.00")]
    [TestCase("3.2450", "3.24")]
    public void Payouts_leave_in_whole_fen_rounded_down(string available, string paid) =>
        Assert.That(PayoutRounding.Payable(decimal.Parse(available)), Is.EqualTo(decimal.Parse(paid)));
}
