using System.Buffers.Binary;

namespace Marketplace.Labeling;

/// <summary>An image's size in pixels as a browser shows it: a JPEG's EXIF orientation is applied (a photo taken upright
/// with the camera turned is shown, and labeled, taller than wide).</summary>
public readonly record struct PixelSize(int Width, int Height);

/// <summary>
/// Reads an image's pixel size from its header alone: PNG (IHDR), GIF (logical screen), WebP (VP8, VP8L, VP8X) and JPEG
/// (the first start-of-frame marker, SOF0 baseline, SOF2 progressive or any other; segments before it are skipped, by
/// seeking when the stream can). Null when the bytes are none of these or the header is cut short or impossible.
/// </summary>
public static class ImageSize
{
    public static PixelSize? Read(ReadOnlySpan<byte> image)
    {
        using var stream = new MemoryStream(image.ToArray(), writable: false);
        return Read(stream);
    }

    public static PixelSize? Read(Stream image)
    {
        try
        {
            Span<byte> head = stackalloc byte[30];
            var got = image.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            head = head[..got];
            if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return Png(head);
            if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return Gif(head);
            if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return WebP(head);
            if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8])) return Jpeg(image, head[2..].ToArray());
            return null;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    private static PixelSize? Of(long width, long height) =>
        width is > 0 and <= int.MaxValue && height is > 0 and <= int.MaxValue ? new PixelSize((int)width, (int)height) : null;

    // 8-byte signature, then the IHDR chunk: length, "IHDR", width and height as big-endian 32-bit numbers.
    private static PixelSize? Png(ReadOnlySpan<byte> h) =>
        h.Length >= 24 && h[12..16].SequenceEqual("IHDR"u8)
            ? Of(BinaryPrimitives.ReadUInt32BigEndian(h[16..]), BinaryPrimitives.ReadUInt32BigEndian(h[20..]))
            : null;

    // "GIF89a", then the logical screen's width and height, little-endian 16-bit.
    private static PixelSize? Gif(ReadOnlySpan<byte> h) =>
        h.Length >= 10 ? Of(BinaryPrimitives.ReadUInt16LittleEndian(h[6..]), BinaryPrimitives.ReadUInt16LittleEndian(h[8..])) : null;

    // "RIFF" size "WEBP", then the first chunk's four-character code and size; its data starts at byte 20.
    private static PixelSize? WebP(ReadOnlySpan<byte> h)
    {
        if (h.Length < 30) return null;
        var chunk = h[12..16];
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Lossy: a 3-byte frame tag, the start code 9D 01 2A, then 14-bit width and height (2 bits of scaling above).
            if (h[23] != 0x9D || h[24] != 0x01 || h[25] != 0x2A) return null;
            return Of(BinaryPrimitives.ReadUInt16LittleEndian(h[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(h[28..]) & 0x3FFF);
        }
        if (chunk.SequenceEqual("VP8L"u8))
        {
            // Lossless: the signature 0x2F, then width - 1 and height - 1 in 14 bits each, least significant bits first.
            if (h[20] != 0x2F) return null;
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(h[21..]);
            return Of((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
        }
        if (chunk.SequenceEqual("VP8X"u8))
        {
            // Extended: flags and 3 reserved bytes, then canvas width - 1 and height - 1 in 24 bits each.
            return Of((h[24] | h[25] << 8 | h[26] << 16) + 1L, (h[27] | h[28] << 8 | h[29] << 16) + 1L);
        }
        return null;
    }

    /// <summary>Walks the segments after SOI up to the first start of frame, noting an EXIF orientation on the way.</summary>
    private static PixelSize? Jpeg(Stream stream, byte[] afterSoi)
    {
        var reader = new Bytes(stream, afterSoi);
        var turned = false;
        while (true)
        {
            if (reader.Next() != 0xFF) return null;
            int marker;
            do marker = reader.Next(); while (marker == 0xFF); // fill bytes
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7)) continue; // markers without a length
            if (marker is 0xD9 or 0xDA) return null; // end of image or start of scan before any frame header
            var length = reader.Next() << 8 | reader.Next();
            if (length < 2) return null;
            if (IsStartOfFrame(marker))
            {
                var frame = new byte[5]; // precision, height, width
                reader.Fill(frame);
                var (height, width) = (frame[1] << 8 | frame[2], frame[3] << 8 | frame[4]);
                return turned ? Of(height, width) : Of(width, height);
            }
            if (marker == 0xE1 && !turned)
            {
                var segment = new byte[length - 2];
                reader.Fill(segment);
                turned = ExifOrientation(segment) is >= 5 and <= 8;
                continue;
            }
            reader.Skip(length - 2);
        }
    }

    // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    private static bool IsStartOfFrame(int marker) => marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC);

    /// <summary>The orientation tag (0x0112) of IFD0 in an APP1 "Exif" segment, or 0. 5-8 mean turned a quarter.</summary>
    public static int ExifOrientation(ReadOnlySpan<byte> app1)
    {
        if (app1.Length < 14 || !app1.StartsWith("Exif\0\0"u8)) return 0;
        var tiff = app1[6..];
        bool little;
        if (tiff.StartsWith("II*\0"u8)) little = true;
        else if (tiff.StartsWith("MM\0*"u8)) little = false;
        else return 0;
        ushort U16(ReadOnlySpan<byte> s) => little ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);
        uint U32(ReadOnlySpan<byte> s) => little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
        var ifd = U32(tiff[4..]);
        if (ifd > tiff.Length - 2) return 0;
        var count = U16(tiff[(int)ifd..]);
        for (var i = 0; i < count; i++)
        {
            var at = (int)ifd + 2 + i * 12;
            if (at + 12 > tiff.Length) return 0;
            if (U16(tiff[at..]) == 0x0112 && U16(tiff[(at + 2)..]) == 3) return U16(tiff[(at + 8)..]);
        }
        return 0;
    }

    /// <summary>A forward reader over what was already read and then the stream; skips by seeking when it can.</summary>
    private sealed class Bytes(Stream stream, byte[] buffered)
    {
        private int _at;

        public int Next()
        {
            if (_at < buffered.Length) return buffered[_at++];
            var b = stream.ReadByte();
            return b < 0 ? throw new EndOfStreamException() : b;
        }

        public void Fill(Span<byte> into)
        {
            var fromBuffer = Math.Min(into.Length, buffered.Length - _at);
            buffered.AsSpan(_at, fromBuffer).CopyTo(into);
            _at += fromBuffer;
            stream.ReadExactly(into[fromBuffer..]);
        }

        public void Skip(int count)
        {
            var fromBuffer = Math.Min(count, buffered.Length - _at);
            _at += fromBuffer;
            count -= fromBuffer;
            if (count == 0) return;
            if (stream.CanSeek)
            {
                if (stream.Position + count > stream.Length) throw new EndOfStreamException();
                stream.Seek(count, SeekOrigin.Current);
                return;
            }
            Span<byte> sink = stackalloc byte[4096];
            while (count > 0)
            {
                var n = Math.Min(count, sink.Length);
                stream.ReadExactly(sink[..n]);
                count -= n;
            }
        }
    }
}
