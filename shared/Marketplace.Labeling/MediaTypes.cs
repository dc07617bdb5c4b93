namespace Marketplace.Labeling;

public enum MediaKind { Image, Audio }

public sealed record MediaType(string Name, MediaKind Kind);

/// <summary>
/// What a file is, decided by its first bytes rather than its name or what the uploader claims, and which kind of file
/// each media task type needs.
/// </summary>
public static class MediaTypes
{
    /// <summary>How many leading bytes <see cref="Sniff"/> needs to see.</summary>
    public const int HeadLength = 16;

    public static readonly MediaType Jpeg = new("image/jpeg", MediaKind.Image);
    public static readonly MediaType Png = new("image/png", MediaKind.Image);
    public static readonly MediaType Gif = new("image/gif", MediaKind.Image);
    public static readonly MediaType WebP = new("image/webp", MediaKind.Image);
    public static readonly MediaType Wav = new("audio/wav", MediaKind.Audio);
    public static readonly MediaType Mp3 = new("audio/mpeg", MediaKind.Audio);
    public static readonly MediaType Ogg = new("audio/ogg", MediaKind.Audio);
    public static readonly MediaType Flac = new("audio/flac", MediaKind.Audio);
    public static readonly MediaType Mp4Audio = new("audio/mp4", MediaKind.Audio);

    public static readonly IReadOnlyList<MediaType> All = [Jpeg, Png, Gif, WebP, Wav, Mp3, Ogg, Flac, Mp4Audio];

    public static MediaType? Named(string name) => All.FirstOrDefault(t => t.Name == name);

    // ISO base media brands of audio-only files (iTunes M4A/M4B/M4P, Flash F4A) and of the generic MP4 brands that audio
    // encoders also write; the browser plays their audio track either way.
    private static readonly string[] Mp4Brands = ["M4A ", "M4B ", "M4P ", "F4A ", "mp41", "mp42", "isom", "iso2", "iso5", "dash"];

    /// <returns>the file's type, or null when it is none the platform serves.</returns>
    public static MediaType? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return Jpeg;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return Png;
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return Gif;
        if (head.Length >= 12 && head.StartsWith("RIFF"u8))
        {
            if (head[8..12].SequenceEqual("WEBP"u8)) return WebP;
            if (head[8..12].SequenceEqual("WAVE"u8)) return Wav;
            return null;
        }
        if (head.StartsWith("OggS"u8)) return Ogg;
        if (head.StartsWith("fLaC"u8)) return Flac;
        if (head.StartsWith("ID3"u8)) return Mp3;
        // An MPEG audio frame: 11 sync bits, a known version, and layer bits that are not 00 (00 is AAC's ADTS).
        if (head.Length >= 4 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x18) != 0x08 && (head[1] & 0x06) != 0
            && (head[2] & 0xF0) != 0xF0 && (head[2] & 0x0C) != 0x0C)
            return Mp3;
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = System.Text.Encoding.ASCII.GetString(head[8..12]);
            return Mp4Brands.Contains(brand) ? Mp4Audio : null;
        }
        return null;
    }

    /// <summary>The kind of file an item of this task type must point at, or null when the task type does not show files.</summary>
    public static MediaKind? KindFor(string taskType) => taskType switch
    {
        TaskTypes.ImageClassification or TaskTypes.BoundingBoxes => MediaKind.Image,
        TaskTypes.AudioClassification or TaskTypes.Transcription => MediaKind.Audio,
        _ => null,
    };

    public static string Describe(MediaKind kind) => kind == MediaKind.Image ? "an image" : "audio";
}
