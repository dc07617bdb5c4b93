using Marketplace.Orders.Domain;
using Marketplace.Payouts.Domain;

namespace Marketplace.Platform.Tests.Rules;

public class PayoutMethodRulesTests
{
    [TestCase("4111111111111111")]
    [TestCase("6222021234567890128")] // 19 digits
    [TestCase("5555555555554444")]
    [TestCase("6011111111111117")]
    public void A_card_number_of_16_to_19_digits_with_a_right_check_digit_is_accepted(string card)
    {
        Assert.That(PayoutMethod.IsBankCard(card), Is.True);
        Assert.That(PayoutMethod.Problem(PayoutMethod.BankCard, card), Is.Null);
    }

    [TestCase("4111111111111112", "check digit")]
    [TestCase("411111111111111", "16 to 19 digits")]
    [TestCase("41111111111111111111", "16 to 19 digits")]
    [TestCase("4111a11111111111", "16 to 19 digits")]
    public void A_wrong_card_number_is_refused_saying_why(string card, string why) =>
        Assert.That(PayoutMethod.Problem(PayoutMethod.BankCard, card), Does.Contain(why));

    [Test]
    public void Luhn_doubles_every_second_digit_from_the_right()
    {
        Assert.That(PayoutMethod.PassesLuhn("79927398713"), Is.True);
        Assert.That(PayoutMethod.PassesLuhn("79927398710"), Is.False);
    }

    [TestCase("13800138000", true)]
    [TestCase("19912345678", true)]
    [TestCase("12800138000", false)] // 12 is not a mobile prefix
    [TestCase("1380013800", false)]
    [TestCase("worker@example.com", true)]
    [TestCase("worker@example", false)]
    [TestCase("not an account", false)]
    public void An_Alipay_account_is_a_mainland_mobile_number_or_an_email(string account, bool ok) =>
        Assert.That(PayoutMethod.Problem(PayoutMethod.Alipay, account) is null, Is.EqualTo(ok));

    [Test]
    public void Accounts_are_shown_masked()
    {
        Assert.That(PayoutMethod.Mask(PayoutMethod.BankCard, "6222021234567890128"), Is.EqualTo("**** **** **** 0128"));
        Assert.That(PayoutMethod.Mask(PayoutMethod.Alipay, "13800138000"), Is.EqualTo("138****8000"));
        Assert.That(PayoutMethod.Mask(PayoutMethod.Alipay, "worker@example.com"), Is.EqualTo("w***@example.com"));
    }

    [Test]
    public void Typed_spaces_and_dashes_are_not_part_of_a_card_number() =>
        Assert.That(PayoutMethod.Normalise(" 4111-1111 1111-1111 "), Is.EqualTo("4111111111111111"));

    [TestCase("3.00", "0.20", 2, "2.60")]
    [TestCase("3.00", "0.20", 15, "0")]
    [TestCase("3.00", "0.20", 0, "3.00")]
    [TestCase("0", "0.20", 2, "0")]
    [TestCase("1.00", "0.3333", 3, "0.0001")]
    public void The_budget_reserves_what_the_minimum_fee_may_still_need_after_the_percent_of_the_fewest_slots(
        string minimum, string feePerSlot, long slots, string reserve) =>
        Assert.That(PlatformFee.MinimumFeeReserve(decimal.Parse(minimum), decimal.Parse(feePerSlot), slots), Is.EqualTo(decimal.Parse(reserve)));

    [Test]
    public void An_order_with_a_minimum_fee_escrows_its_work_and_the_reserve()
    {
        var (_, fee) = PlatformFee.Split(1.00m, 20m);
        var (goldSlots, budget) = Budget.Of(1.00m, items: 2, overlap: 1, overlapCap: null, goldShare: 0m, platformFee: fee, minimumFee: 3.00m);
        Assert.That(goldSlots, Is.Zero);
        Assert.That(budget, Is.EqualTo(4.60m));
    }
}
