using System.Text.Json;
using Marketplace.Modeling;

namespace Marketplace.Tasks.Models;

/// <summary>
/// Why the built-in model waits, failed or kept its current version: a code and its figures (JSON) that the portal words
/// in the reader's language, and the English sentence for API readers and the log. The codes are part of the API
/// (docs/api.md) and the portal's messages (model.reasons.*).
/// </summary>
public sealed record ModelReason(string Code, string Text, string Params)
{
    private static ModelReason Of(string code, string text, object figures) => new(code, text, JsonSerializer.Serialize(figures, JsonSerializerOptions.Web));

    public static ModelReason Waiting(int examples, int minimum) =>
        Of("examples_waiting", $"{examples} accepted labels of the {minimum} needed", new { examples, minimum });

    public static ModelReason ImagesUnreadable(int unreadable, int examples, int minimum, string? first) =>
        Of("images_unreadable", $"{unreadable} labelled images could not be read, leaving {examples} of the {minimum} examples needed; the first: {first}",
            new { unreadable, examples, minimum, first });

    public static ModelReason Timeout(TimeSpan limit) =>
        Of("training_timeout", $"training took longer than {limit}; its result is dropped", new { minutes = Math.Round(limit.TotalMinutes, 1) });

    public static ModelReason NotEnough(NotEnoughExamplesException e) =>
        Of("not_enough_examples", e.Message, new { examples = e.Examples, labels = e.Labels, minimum = e.MinimumExamples, perLabel = e.MinimumPerLabel });

    public static ModelReason NotAdopted(int version, VersionComparison comparison) =>
        Of("not_adopted", $"version {version} was less accurate than the current one on the same {comparison.Items} held-out labels " +
                          $"({comparison.CandidateAccuracy:P1} against {comparison.CurrentAccuracy:P1}); its predictions were not used",
            new { version, items = comparison.Items, candidate = Math.Round(comparison.CandidateAccuracy, 4), current = Math.Round(comparison.CurrentAccuracy, 4) });

    /// <summary>Anything else (a fault in training or featurising): its message, in English, since it is the library's.</summary>
    public static ModelReason Error(Exception e)
    {
        var message = e.Message.Length > 900 ? e.Message[..900] : e.Message;
        return Of("training_error", message, new { message });
    }
}
