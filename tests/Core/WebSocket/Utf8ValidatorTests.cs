using System;
using System.Text;
using ChargePoint.Core.WebSocket;
using Xunit;

namespace ChargePoint.Tests.Core.WebSocket
{
    public class Utf8ValidatorTests
    {
        [Theory]
        [InlineData("")]
        [InlineData("plain ASCII [2,\"1\",\"Heartbeat\",{}]")]
        [InlineData("Zähler €, 𝄞 and κόσμε")]
        public void Well_formed_text_is_valid(string text)
        {
            Assert.True(Utf8Validator.IsValid(Encoding.UTF8.GetBytes(text)));
        }

        [Theory]
        [InlineData(new byte[] { 0x80 })]                    // a lone continuation byte
        [InlineData(new byte[] { 0xC0, 0xAF })]              // overlong '/'
        [InlineData(new byte[] { 0xE0, 0x80, 0xAF })]        // overlong, 3 bytes
        [InlineData(new byte[] { 0xF0, 0x80, 0x80, 0xAF })]  // overlong, 4 bytes
        [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]        // U+D800, a surrogate
        [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]  // U+110000
        [InlineData(new byte[] { 0xF5, 0x80, 0x80, 0x80 })]
        [InlineData(new byte[] { 0xFF })]
        [InlineData(new byte[] { 0xE2, 0x82 })]              // cut at the end
        [InlineData(new byte[] { 0xCE, 0xBA, 0xE1, 0xBD })]  // cut after a good character
        [InlineData(new byte[] { 0xE2, 0x28, 0xA1 })]        // bad second byte
        public void Malformed_sequences_are_invalid(byte[] bytes)
        {
            Assert.False(Utf8Validator.IsValid(bytes));
        }

        [Fact]
        public void It_agrees_with_dotnets_strict_decoder_on_random_bytes()
        {
            var strict = new UTF8Encoding(false, true);
            var random = new Random(11);
            var bytes = new byte[8];
            for (int round = 0; round < 200000; round++)
            {
                int length = random.Next(1, bytes.Length + 1);
                for (int i = 0; i < length; i++)
                    bytes[i] = (byte)(random.Next(4) == 0 ? random.Next(0x80) : 0x80 + random.Next(0x80));
                bool expected;
                try { strict.GetCharCount(bytes, 0, length); expected = true; }
                catch (DecoderFallbackException) { expected = false; }
                Assert.True(expected == Utf8Validator.IsValid(bytes.AsSpan(0, length)), Convert.ToHexString(bytes, 0, length));
            }
        }
    }
}
