using System.Text;
using Marketplace.Labeling;
using Marketplace.Orders.Datasets;

namespace Marketplace.Platform.Tests.Content;

public class MediaTypesTests
{
    private static byte[] Bytes(params object[] parts) => parts.SelectMany(p => p switch
    {
        string s => Encoding.ASCII.GetBytes(s),
        byte[] b => b,
        int i => [(byte)i],
        _ => throw new ArgumentException(p.ToString()),
    }).ToArray();

    public static IEnumerable<TestCaseData> Files() =>
    [
        new TestCaseData(Bytes(0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, "JFIF", 0, 1, 1, 0, 0, 1)).Returns("image/jpeg").SetName("A JPEG is an image"),
        new TestCaseData(Bytes(0x89, "PNG", 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, "IHDR")).Returns("image/png").SetName("A PNG is an image"),
        new TestCaseData(Bytes("GIF89a", 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0)).Returns("image/gif").SetName("A GIF is an image"),
        new TestCaseData(Bytes("RIFF", 0x24, 0, 0, 0, "WEBPVP8 ")).Returns("image/webp").SetName("A WebP is an image"),
        new TestCaseData(Bytes("RIFF", 0x24, 0, 0, 0, "WAVEfmt ")).Returns("audio/wav").SetName("A WAV is audio"),
        new TestCaseData(Bytes("ID3", 4, 0, 0, 0, 0, 0, 0)).Returns("audio/mpeg").SetName("An MP3 with an ID3 tag is audio"),
        new TestCaseData(Bytes(0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0)).Returns("audio/mpeg").SetName("A bare MP3 frame is audio"),
        new TestCaseData(Bytes("OggS", 0, 2, 0, 0, 0, 0, 0, 0, 0, 0)).Returns("audio/ogg").SetName("An OGG is audio"),
        new TestCaseData(Bytes("fLaC", 0, 0, 0, 0x22)).Returns("audio/flac").SetName("A FLAC is audio"),
        new TestCaseData(Bytes(0, 0, 0, 0x20, "ftypM4A ", 0, 0, 0, 0)).Returns("audio/mp4").SetName("An M4A is audio"),
        new TestCaseData(Bytes(0, 0, 0, 0x18, "ftypmp42", 0, 0, 0, 0)).Returns("audio/mp4").SetName("An MP4 is played as audio"),
        new TestCaseData(Bytes("This is just text, renamed .png")).Returns(null).SetName("Text is refused whatever its name"),
        new TestCaseData(Bytes("RIFF", 0x24, 0, 0, 0, "AVI LIST")).Returns(null).SetName("An AVI is refused"),
        new TestCaseData(Bytes(0xFF, 0xF1, 0x50, 0x80, 0, 0x1F, 0xFC)).Returns(null).SetName("A raw AAC stream is refused"),
        new TestCaseData(Bytes(0, 0, 0, 0x18, "ftypqt  ", 0, 0, 0, 0)).Returns(null).SetName("A QuickTime movie is refused"),
        new TestCaseData(Bytes("%PDF-1.7")).Returns(null).SetName("A PDF is refused"),
        new TestCaseData(Bytes(0xFF, 0xD8)).Returns(null).SetName("Two bytes are not enough"),
        new TestCaseData(Bytes()).Returns(null).SetName("An empty file is refused"),
    ];

    [TestCaseSource(nameof(Files))]
    public string? Files_are_known_by_their_first_bytes(byte[] head) => MediaTypes.Sniff(head)?.Name;

    [TestCase(TaskTypes.ImageClassification, MediaKind.Image)]
    [TestCase(TaskTypes.BoundingBoxes, MediaKind.Image)]
    [TestCase(TaskTypes.AudioClassification, MediaKind.Audio)]
    [TestCase(TaskTypes.Transcription, MediaKind.Audio)]
    [TestCase(TaskTypes.TextClassification, null)]
    public void Media_task_types_show_one_kind_of_file(string taskType, MediaKind? kind) =>
        Assert.That(MediaTypes.KindFor(taskType), Is.EqualTo(kind));

    [Test]
    public void A_manifest_link_must_name_a_file_of_this_order_of_the_kind_the_task_shows()
    {
        var order = Guid.NewGuid();
        var files = OrderFiles.Of(order, [("boats/1.jpg", MediaKind.Image), ("clips/1.wav", MediaKind.Audio)]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(files.Check(TaskTypes.ImageClassification, $"content://{order}/boats/1.jpg"), Is.Null);
            Assert.That(files.Check(TaskTypes.Transcription, $"content://{order}/clips/1.wav"), Is.Null);
            Assert.That(files.Check(TaskTypes.ImageClassification, $"content://{order}/boats/2.jpg"), Does.Contain("was not uploaded"));
            Assert.That(files.Check(TaskTypes.ImageClassification, $"content://{order}/clips/1.wav"), Does.Contain("needs an image"));
            Assert.That(files.Check(TaskTypes.AudioClassification, $"content://{order}/boats/1.jpg"), Does.Contain("needs audio"));
            Assert.That(files.Check(TaskTypes.ImageClassification, $"content://{Guid.NewGuid()}/boats/1.jpg"), Does.Contain("another order"));
            Assert.That(files.Check(TaskTypes.ImageClassification, "content://boats/1.jpg"), Does.Contain("not a content link"));
        }
    }

    [Test]
    public async Task An_upload_stream_hashes_and_counts_every_byte_and_stops_at_the_limit()
    {
        var bytes = Encoding.ASCII.GetBytes("RIFF....WAVE and then some sound");
        using (var upload = new MeasuredUpload(bytes[..12], new MemoryStream(bytes[12..]), maxBytes: bytes.Length))
        {
            var copy = new MemoryStream();
            await upload.CopyToAsync(copy);
            Assert.That(copy.ToArray(), Is.EqualTo(bytes));
            Assert.That(upload.BytesRead, Is.EqualTo(bytes.Length));
            Assert.That(upload.Sha256Hex(), Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))));
        }
        using var tooLong = new MeasuredUpload(bytes[..12], new MemoryStream(bytes[12..]), maxBytes: bytes.Length - 1);
        Assert.ThrowsAsync<FileTooLargeException>(() => tooLong.CopyToAsync(Stream.Null));
    }
}
