using Marketplace.Settlement.Reports;

namespace Marketplace.Platform.Tests.Rules;

public class ReportRulesTests
{
    [Test]
    public void Csv_money_has_the_ledgers_four_decimals_and_counts_are_integers()
    {
        var csv = new Csv().Add("total", null, null, null, "gmv", 5.48m).Add("total", null, null, null, "fees", 0.00005m)
            .Add("total", null, null, null, "items", 4L).ToString();
        Assert.That(csv.Split('\n'), Is.EqualTo(new[]
        {
            Csv.Header, "total,,,,gmv,5.4800", "total,,,,fees,0.0001", "total,,,,items,4", "",
        }));
    }

    [TestCase("medical, imaging", "\"medical, imaging\"")]
    [TestCase("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [TestCase("=HYPERLINK(1)", "\"=HYPERLINK(1)\"")]
    [TestCase("@cmd", "\"@cmd\"")]
    [TestCase("plain", "plain")]
    public void Csv_quotes_text_a_spreadsheet_would_split_or_run(string text, string written)
    {
        var line = new Csv().Add("industry", text, null, null, "metric", "1").ToString().Split('\n')[1];
        Assert.That(line, Is.EqualTo($"industry,{written},,,metric,1"));
    }

    [Test]
    public void A_period_is_half_open_in_UTC_and_a_date_alone_is_midnight()
    {
        Assert.That(ReportPeriod.TryParse("2026-10-01", "2026-11-01T08:00:00+08:00", null, out var period), Is.Null);
        Assert.That(period.From, Is.EqualTo(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(period.To, Is.EqualTo(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(period.Currency, Is.EqualTo("CNY"));
    }

    [TestCase(null, "2026-11-01", "from")]
    [TestCase("last week", "2026-11-01", "from")]
    [TestCase("2026-11-01", "2026-11-01", "to")]
    [TestCase("2026-11-02", "2026-11-01", "to")]
    [TestCase("2026-11-01", "someday", "to")]
    public void A_bad_period_names_the_field(string? from, string? to, string field)
    {
        var problem = ReportPeriod.TryParse(from, to, null, out _);
        Assert.That(problem, Is.Not.Null);
        var errors = (IDictionary<string, string[]>)problem!.ProblemDetails.Extensions["errors"]!;
        Assert.That(errors.Keys, Is.EqualTo(new[] { field }));
    }
}
