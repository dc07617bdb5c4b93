using Marketplace.Labeling;

namespace Marketplace.Platform.Tests.Content;

/// <summary>Pixel sizes read from the headers of real files (see Images/README.md for how each was made).</summary>
public class ImageSizeTests
{
    private static byte[] File(string name) => System.IO.File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "Content", "Images", name));

    [TestCase("baseline.jpg", 37, 260, TestName = "A baseline JPEG's size is in its SOF0 frame header")]
    [TestCase("progressive.jpg", 301, 43, TestName = "A progressive JPEG's size is in its SOF2 frame header")]
    [TestCase("exif-turned.jpg", 43, 301, TestName = "A JPEG whose EXIF orientation turns it a quarter is as tall as it is stored wide")]
    [TestCase("exif-upright.jpg", 37, 260, TestName = "A JPEG with an upright EXIF orientation and fill bytes keeps its stored size")]
    [TestCase("photo.png", 61, 17, TestName = "A PNG's size is in its IHDR chunk")]
    [TestCase("photo.gif", 53, 31, TestName = "A GIF's size is its logical screen")]
    [TestCase("lossy.webp", 45, 27, TestName = "A lossy WebP's size is in its VP8 frame")]
    [TestCase("lossless.webp", 1000, 7, TestName = "A lossless WebP's size is in its VP8L header")]
    [TestCase("alpha.webp", 333, 222, TestName = "An extended WebP's size is its VP8X canvas")]
    public void Sizes_come_from_the_header(string name, int width, int height)
    {
        var bytes = File(name);
        Assert.That(ImageSize.Read(bytes), Is.EqualTo(new PixelSize(width, height)));
        using var forwardOnly = new ForwardOnly(bytes);
        Assert.That(ImageSize.Read(forwardOnly), Is.EqualTo(new PixelSize(width, height)), "a stream that cannot seek");
    }

    /// <summary>Where a JPEG's size ends: its start-of-frame marker (SOF0 or SOF2 in these files), length, precision, height, width.</summary>
    private static int FrameHeaderEnd(byte[] jpeg)
    {
        for (var i = 2; i + 1 < jpeg.Length; i++)
            if (jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC2) return i + 9;
        throw new InvalidDataException("no frame header");
    }

    [TestCase("baseline.jpg")]
    [TestCase("exif-turned.jpg")]
    [TestCase("progressive.jpg")]
    public void A_JPEG_is_read_only_up_to_its_frame_header(string name)
    {
        var bytes = File(name);
        using var stream = new MemoryStream(bytes);
        Assert.That(ImageSize.Read(stream), Is.Not.Null);
        Assert.That(stream.Position, Is.EqualTo(FrameHeaderEnd(bytes)), "segments before it are skipped and the scan data is never read");
    }

    [TestCase("baseline.jpg")]
    [TestCase("exif-turned.jpg")]
    [TestCase("photo.png")]
    [TestCase("photo.gif")]
    [TestCase("lossy.webp")]
    [TestCase("lossless.webp")]
    [TestCase("alpha.webp")]
    public void A_file_cut_before_its_size_has_none(string name)
    {
        var bytes = File(name);
        var enough = Path.GetExtension(name) switch { ".jpg" => FrameHeaderEnd(bytes), ".png" => 24, ".gif" => 10, _ => 30 };
        foreach (var cut in new[] { 0, 1, 2, 8, 12, 20, enough - 5, enough - 1 }.Where(c => c is >= 0 && c < enough))
            Assert.That(ImageSize.Read(bytes.AsSpan(0, cut)), Is.Null, $"{name} cut at {cut} bytes");
        Assert.That(ImageSize.Read(bytes.AsSpan(0, enough)), Is.Not.Null, $"{name}: {enough} bytes are enough");
    }

    [Test]
    public void Files_that_are_not_images_or_impossible_ones_have_no_size()
    {
        var png = File("photo.png");
        var zeroWide = png.ToArray();
        zeroWide[16] = zeroWide[17] = zeroWide[18] = zeroWide[19] = 0;
        var notIhdr = png.ToArray();
        notIhdr[12] = (byte)'X';
        var jpeg = File("baseline.jpg");
        var scanFirst = jpeg[..2].Concat(new byte[] { 0xFF, 0xDA, 0, 2 }).Concat(jpeg[2..]).ToArray();
        var wav = "RIFF\u0024\0\0\0WAVEfmt \u0010\0\0\0\u0001\0\u0001\0\u0040\u001f\0\0"u8.ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ImageSize.Read(zeroWide), Is.Null, "a PNG zero pixels wide");
            Assert.That(ImageSize.Read(notIhdr), Is.Null, "a PNG whose first chunk is not IHDR");
            Assert.That(ImageSize.Read(scanFirst), Is.Null, "a JPEG whose scan starts before any frame header");
            Assert.That(ImageSize.Read(wav), Is.Null, "a WAV is RIFF but no image");
            Assert.That(ImageSize.Read("This is just text, renamed .png"u8), Is.Null);
            Assert.That(ImageSize.Read([]), Is.Null);
        }
    }

    [Test]
    public void The_EXIF_orientation_is_read_in_either_byte_order()
    {
        byte[] Exif(bool little, ushort orientation)
        {
            var tiff = new List<byte>(little ? "II*\0"u8.ToArray() : "MM\0*"u8.ToArray());
            void U16(int v) => tiff.AddRange(little ? [(byte)v, (byte)(v >> 8)] : [(byte)(v >> 8), (byte)v]);
            void U32(int v) => tiff.AddRange(little ? [(byte)v, (byte)(v >> 8), (byte)(v >> 16), (byte)(v >> 24)] : [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
            U32(8);
            U16(1);
            U16(0x0112); U16(3); U32(1); U16(orientation); U16(0);
            U32(0);
            return [.. "Exif\0\0"u8, .. tiff];
        }
        Assert.That(ImageSize.ExifOrientation(Exif(true, 6)), Is.EqualTo(6));
        Assert.That(ImageSize.ExifOrientation(Exif(false, 8)), Is.EqualTo(8));
        Assert.That(ImageSize.ExifOrientation(Exif(false, 1)), Is.EqualTo(1));
        Assert.That(ImageSize.ExifOrientation(Exif(true, 6)[..20]), Is.Zero, "cut short");
        Assert.That(ImageSize.ExifOrientation("XMP\0\0\0http://ns.adobe.com/"u8), Is.Zero, "another APP1");
    }

    /// <summary>A stream that can only be read forward, like a request body.</summary>
    private sealed class ForwardOnly(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
        public override long Length => throw new NotSupportedException();
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}
