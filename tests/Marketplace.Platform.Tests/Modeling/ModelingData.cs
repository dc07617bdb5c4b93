using System.Text.Json;
using Marketplace.Modeling;

namespace Marketplace.Platform.Tests.Modeling;

/// <summary>The committed real samples (tests/data/modeling, see its README): spam and ham mails, photographs of two kinds.</summary>
internal static class ModelingData
{
    private static string Folder => Path.Combine(TestContext.CurrentContext.TestDirectory, "Modeling", "Data");

    public static IReadOnlyList<Example> Mails() => File.ReadLines(Path.Combine(Folder, "spam-assassin-sample.jsonl"))
        .Select(line => JsonDocument.Parse(line).RootElement)
        .Select(m => new Example(m.GetProperty("id").GetString()!, m.GetProperty("label").GetString()!, Text: m.GetProperty("text").GetString()))
        .ToList();

    public static IReadOnlyList<(string Name, string Label, byte[] Bytes)> Photos() =>
        Directory.GetFiles(Path.Combine(Folder, "photos"), "*.jpg").Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileNameWithoutExtension(f), Path.GetFileName(f).Split('-')[0], File.ReadAllBytes(f))).ToList();
}
