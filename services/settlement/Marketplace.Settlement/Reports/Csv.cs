using System.Globalization;
using System.Text;

namespace Marketplace.Settlement.Reports;

/// <summary>
/// Reports export as one tidy table, a figure per line: section, key (an order, a payout, an industry...), industry,
/// task type, metric, value. Money has four decimals (the ledger's smallest unit), counts are integers, so a spreadsheet
/// pivots it any way and the figures match the JSON to the last unit.
/// </summary>
public sealed class Csv
{
    public const string Header = "section,key,industry,task_type,metric,value";
    private readonly StringBuilder _text = new(Header + "\n");

    public Csv Add(string section, string? key, string? industry, string? taskType, string metric, decimal value) =>
        Line(section, key, industry, taskType, metric, Money(value));

    public Csv Add(string section, string? key, string? industry, string? taskType, string metric, long value) =>
        Line(section, key, industry, taskType, metric, value.ToString(CultureInfo.InvariantCulture));

    public Csv Add(string section, string? key, string? industry, string? taskType, string metric, string value) =>
        Line(section, key, industry, taskType, metric, value);

    public static string Money(decimal value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private Csv Line(params string?[] fields)
    {
        _text.AppendJoin(',', fields.Select(Escape)).Append('\n');
        return this;
    }

    private static string Escape(string? field)
    {
        if (string.IsNullOrEmpty(field)) return "";
        // A leading = + - @ would be a formula in a spreadsheet: quote such text (numbers are written by us, unsigned or '-').
        var risky = field[0] is '=' or '+' or '@' && !char.IsDigit(field.Length > 1 ? field[1] : 'x');
        return field.IndexOfAny([',', '"', '\n', '\r']) >= 0 || risky ? $"\"{field.Replace("\"", "\"\"")}\"" : field;
    }

    public override string ToString() => _text.ToString();

    public IResult ToResult() =>
        Results.Text(_text.ToString(), "text/csv; charset=utf-8", Encoding.UTF8);
}
