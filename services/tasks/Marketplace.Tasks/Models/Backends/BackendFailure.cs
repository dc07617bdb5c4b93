using System.Text.Json;

namespace Marketplace.Tasks.Models.Backends;

/// <summary>
/// What went wrong with a call to a model backend: a code and its figures (JSON) that the portal words in the reader's
/// language (modelBackend.failureCodes.*), and the English sentence for API readers and the log. Details that come from
/// elsewhere (a socket's error, why a prediction was refused) stay in English as the <c>detail</c> figure. The codes are
/// part of the API (docs/api.md).
/// </summary>
public sealed record BackendFailure(string Call, string Code, string Text, string Params)
{
    private static BackendFailure Of(string call, string code, string text, object figures) =>
        new(call, code, text, JsonSerializer.Serialize(figures, JsonSerializerOptions.Web));

    public static BackendFailure Status(string call, int status) => Of(call, "status", $"{call} answered {status}.", new { status });

    public static BackendFailure NotJson(string call) => Of(call, "not_json", $"{call} answered something that is not JSON.", new { });

    public static BackendFailure TooLarge(string call, long bytes) => Of(call, "too_large", $"{call} answered more than {bytes} bytes.", new { bytes });

    public static BackendFailure Timeout(string call, TimeSpan limit) =>
        Of(call, "timeout", $"{call} took longer than {limit.TotalSeconds:0.#} s.", new { seconds = Math.Round(limit.TotalSeconds, 1) });

    public static BackendFailure Unreachable(string call, string detail) =>
        Of(call, "unreachable", $"{call} could not be reached: {detail}", new { detail });

    public static BackendFailure HealthNotUp() => Of("health", "health_not_up", "health did not answer {\"status\": \"UP\"}.", new { });

    public static BackendFailure SetupNotObject() => Of("setup", "setup_not_object", "setup did not answer a JSON object.", new { });

    public static BackendFailure NoResults() => Of("predict", "no_results", "predict did not answer {\"results\": [...]}.", new { });

    public static BackendFailure ResultCount(int results, int tasks) =>
        Of("predict", "result_count", $"predict answered {results} results for {tasks} tasks.", new { results, tasks });

    public static BackendFailure Refused(int refused, int tasks, string item, string detail) =>
        Of("predict", "predictions_refused", $"{refused} of {tasks} predictions refused; item {item}: {detail}", new { refused, tasks, item, detail });
}

/// <summary>A call to a backend that did not answer as it should: the failure is shown to the enterprise and counted.</summary>
public sealed class BackendCallFailed(BackendFailure failure) : Exception(failure.Text)
{
    public BackendFailure Failure { get; } = failure;
}
