namespace Marketplace.Labeling;

/// <summary>
/// Whether a worker's gold record shows them below an order's required accuracy. Not the raw share: at three gold answers
/// "right less often than 70%" means "not all three right", which a worker right 85% of the time fails 39% of the time
/// (bench/labeling.sh with BENCH_SUSPEND=ratio suspended 16-18 of its 28 honest workers). Instead: a worker exactly as good
/// as required would give a record this bad or worse less than 5% of the time. With a uniform prior that is a Beta
/// posterior's 95% bound below the requirement: P(Beta(right + 1, wrong + 1) &lt; required) =
/// P(Binomial(answered + 1, required) ≥ right + 1) &gt; 0.95. 0 of 3 is below 70% (and 80%); 1 of 3 is below 80% but not
/// 70%; 2 of 3 is below neither, 4 of 10 is below 70%.
/// </summary>
public static class GoldVerdict
{
    public const double Confidence = 0.95;

    /// <summary>Whether <paramref name="right"/> of <paramref name="answered"/> shows accuracy below <paramref name="required"/>
    /// (never before <paramref name="minimumAnswers"/> answers, nor for a requirement of zero).</summary>
    public static bool Below(int answered, int right, decimal required, int minimumAnswers)
    {
        if (answered < Math.Max(1, minimumAnswers) || required <= 0) return false;
        if (right < 0 || right > answered) throw new ArgumentOutOfRangeException(nameof(right));
        if (required > 1) throw new ArgumentOutOfRangeException(nameof(required));
        // Perfection required: any wrong answer falls short of it (and no record proves it met).
        if (required == 1) return right < answered;
        return ChanceOfBelow(answered, right, (double)required) > Confidence;
    }

    /// <summary>P(accuracy &lt; required | right of answered), uniform prior.</summary>
    public static double ChanceOfBelow(int answered, int right, double required)
    {
        var n = answered + 1;
        double sum = 0;
        for (var k = right + 1; k <= n; k++) sum += Math.Exp(LogChoose(n, k) + k * Math.Log(required) + (n - k) * Math.Log(1 - required));
        return Math.Min(1, sum);
    }

    private static double LogChoose(int n, int k)
    {
        double value = 0;
        for (var i = 1; i <= k; i++) value += Math.Log(n - k + i) - Math.Log(i);
        return value;
    }
}
