using System;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using ChargePoint.Core.WebSocket;
using Xunit;

namespace ChargePoint.Tests.Core.WebSocket
{
    public class Sha1AndBase64Tests
    {
        private static string Sha1Hex(byte[] data, int chunk = int.MaxValue)
        {
            var sha1 = new Sha1();
            for (int at = 0; at < data.Length; at += chunk)
                sha1.Append(data.AsSpan(at, Math.Min(chunk, data.Length - at)));
            var digest = new byte[Sha1.DigestLength];
            sha1.Finish(digest);
            return Convert.ToHexString(digest).ToLowerInvariant();
        }

        private static string Encode(string text)
        {
            byte[] data = Encoding.ASCII.GetBytes(text);
            var encoded = new byte[Base64.EncodedLength(data.Length)];
            Assert.Equal(encoded.Length, Base64.Encode(data, encoded));
            return Encoding.ASCII.GetString(encoded);
        }

        [Theory]
        // FIPS 180-2 appendix A (the examples FIPS 180-4 points to), and the empty message.
        [InlineData("abc", "a9993e364706816aba3e25717850c26c9cd0d89d")]
        [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1")]
        [InlineData("", "da39a3ee5e6b4b0d3255bfef95601890afd80709")]
        public void Sha1_of_the_published_examples_is_the_published_digest(string message, string digest)
        {
            Assert.Equal(digest, Sha1Hex(Encoding.ASCII.GetBytes(message)));
        }

        [Fact]
        public void Sha1_of_a_million_a_is_the_published_digest_whether_fed_at_once_or_in_odd_pieces()
        {
            byte[] million = Enumerable.Repeat((byte)'a', 1000000).ToArray();
            Assert.Equal("34aa973cd4c4daa4f61eeb2bdbad27316534016f", Sha1Hex(million));
            Assert.Equal("34aa973cd4c4daa4f61eeb2bdbad27316534016f", Sha1Hex(million, 37));
        }

        [Fact]
        public void Sha1_agrees_with_dotnet_for_every_length_around_the_block_and_padding_edges()
        {
            var random = new Random(7);
            for (int length = 0; length <= 200; length++)
            {
                byte[] data = new byte[length];
                random.NextBytes(data);
                string expected = Convert.ToHexString(SHA1.HashData(data)).ToLowerInvariant();
                Assert.Equal(expected, Sha1Hex(data));
                Assert.Equal(expected, Sha1Hex(data, 1 + length % 13));
            }
        }

        [Fact]
        public void Sha1_starts_over_after_finish()
        {
            var sha1 = new Sha1();
            var digest = new byte[20];
            sha1.Append("something else"u8);
            sha1.Finish(digest);
            sha1.Append("abc"u8);
            sha1.Finish(digest);
            Assert.Equal("a9993e364706816aba3e25717850c26c9cd0d89d", Convert.ToHexString(digest).ToLowerInvariant());
        }

        [Theory]
        // RFC 4648 section 10.
        [InlineData("", "")]
        [InlineData("f", "Zg==")]
        [InlineData("fo", "Zm8=")]
        [InlineData("foo", "Zm9v")]
        [InlineData("foob", "Zm9vYg==")]
        [InlineData("fooba", "Zm9vYmE=")]
        [InlineData("foobar", "Zm9vYmFy")]
        public void Base64_of_the_rfc_4648_vectors_encodes_and_decodes_back(string data, string text)
        {
            Assert.Equal(text, Encode(data));
            var decoded = new byte[6];
            Assert.True(Base64.TryDecode(Encoding.ASCII.GetBytes(text), decoded, out int written));
            Assert.Equal(data, Encoding.ASCII.GetString(decoded, 0, written));
        }

        [Fact]
        public void Base64_agrees_with_dotnet_on_every_byte_value_and_length()
        {
            var random = new Random(3);
            for (int length = 0; length < 70; length++)
            {
                byte[] data = new byte[length];
                random.NextBytes(data);
                var text = new byte[Base64.EncodedLength(length)];
                Base64.Encode(data, text);
                Assert.Equal(Convert.ToBase64String(data), Encoding.ASCII.GetString(text));
                var back = new byte[length];
                Assert.True(Base64.TryDecode(text, back, out int written));
                Assert.Equal(data, back.Take(written).ToArray());
            }
        }

        [Theory]
        [InlineData("Zm9")]        // not a multiple of 4
        [InlineData("Zm9v!A==")]   // not in the alphabet
        [InlineData("Zm=v")]       // padding inside
        [InlineData("Zh==")]       // bits under the padding not zero (RFC 4648 3.5)
        public void Base64_decode_refuses_text_that_is_not_canonical_base64(string text)
        {
            Assert.False(Base64.TryDecode(Encoding.ASCII.GetBytes(text), new byte[8], out _));
        }

        [Fact]
        public void Base64_encode_into_a_buffer_too_small_writes_nothing()
        {
            var text = new byte[7];
            Assert.Equal(-1, Base64.Encode("foobar"u8, text));
            Assert.All(text, b => Assert.Equal(0, b));
        }

        [Fact]
        public void The_rfc_6455_sample_key_gives_the_sample_accept()
        {
            // RFC 6455 1.3.
            var accept = new byte[HandshakeRequest.AcceptLength];
            HandshakeRequest.ComputeAccept(new Sha1(), "dGhlIHNhbXBsZSBub25jZQ=="u8, accept);
            Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Encoding.ASCII.GetString(accept));
        }
    }
}
