using System;
using System.Collections.Generic;
using System.Text;
using ChargePoint.Core.Json;
using Xunit;

namespace ChargePoint.Tests.Core.Json
{
    // Seeded random and mutated input, thousands of cases: the reader never throws, always ends with
    // either the whole document read or one defined error at a position inside the input, and agrees
    // with System.Text.Json about which documents are valid. Seeds are fixed: a failure repeats.
    public class JsonFuzzTests
    {
        private const int MaxDepth = 16;

        // Bytes that matter to the grammar, drawn more often than the other 256.
        private static readonly byte[] Interesting = Encoding.ASCII.GetBytes("{}[]\":,\\/ -+.eE0123456789tfnrulsabcdu\t\n\r");

        private static readonly byte[] Specials = { 0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF };

        private static byte RandomByte(Random random)
        {
            int pick = random.Next(10);
            if (pick < 6) return Interesting[random.Next(Interesting.Length)];
            if (pick < 8) return Specials[random.Next(Specials.Length)];
            return (byte)random.Next(256);
        }

        private static byte[] Mutate(byte[] source, Random random)
        {
            var bytes = new List<byte>(source);
            int edits = 1 + random.Next(3);
            for (int e = 0; e < edits; e++)
            {
                int at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
                switch (random.Next(7))
                {
                    case 0 when bytes.Count > 0:
                        bytes[at] = (byte)(bytes[at] ^ (1 << random.Next(8)));
                        break;
                    case 1 when bytes.Count > 0:
                        bytes[at] = RandomByte(random);
                        break;
                    case 2:
                        bytes.Insert(at, RandomByte(random));
                        break;
                    case 3 when bytes.Count > 0:
                        bytes.RemoveAt(at);
                        break;
                    case 4 when bytes.Count > 0:
                        bytes.RemoveRange(at, bytes.Count - at); // truncated, as a short TCP read would
                        break;
                    case 5 when bytes.Count > 0:
                        int length = Math.Min(1 + random.Next(8), bytes.Count - at);
                        bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                        break;
                    default:
                        bytes.Insert(at, (byte)' ');
                        break;
                }
            }
            return bytes.ToArray();
        }

        private static IEnumerable<byte[]> Seeds()
        {
            foreach (string message in OcppSamples.Messages) yield return OcppSamples.Utf8(message);
            foreach (string text in OcppSamples.StrangeButValid) yield return OcppSamples.Utf8(text);
        }

        private readonly HashSet<JsonError> _errorsSeen = new HashSet<JsonError>();

        // Every kind of error but `except` was met: the cases reach every corner of the grammar.
        private void AssertEveryErrorWasSeen(params JsonError[] except)
        {
            foreach (JsonError error in Enum.GetValues<JsonError>())
                if (error != JsonError.None && Array.IndexOf(except, error) < 0)
                    Assert.True(_errorsSeen.Contains(error), $"no case ended in {error}");
        }

        // Checks one input from every side; returns whether it was valid.
        private bool Check(byte[] json)
        {
            JsonError error;
            int position;
            try
            {
                JsonReader.Validate(json, MaxDepth, out error, out position);
            }
            catch (Exception exception)
            {
                Assert.Fail($"the reader threw {exception.GetType().Name} on {JsonOracle.Show(json)}");
                throw;
            }
            bool valid = error == JsonError.None;
            _errorsSeen.Add(error);
            bool expected = JsonOracle.IsValid(json, MaxDepth);
            if (valid != expected)
                Assert.Fail($"ours says {(valid ? "valid" : error + " at " + position)}, System.Text.Json says {(expected ? "valid" : "invalid")}: {JsonOracle.Show(json)}");
            if (valid)
            {
                JsonOracle.AssertSameTokens(json, MaxDepth);
                JsonOracle.AssertSameTree(json, MaxDepth);
                return true;
            }
            AssertErrorIsAtTheFirstBadByte(json, error, position);
            Assert.False(JsonElement.TryParse(json, MaxDepth, out _, out JsonError treeError, out int treePosition));
            Assert.Equal((error, position), (treeError, treePosition));
            return false;
        }

        // UnexpectedEnd points at the end; any other error at a byte such that everything before it
        // still begins a valid document, and the same error is found with nothing after that byte.
        private static void AssertErrorIsAtTheFirstBadByte(byte[] json, JsonError error, int position)
        {
            string shown = JsonOracle.Show(json);
            if (error == JsonError.UnexpectedEnd)
            {
                Assert.True(position == json.Length, $"UnexpectedEnd at {position} of {json.Length}: {shown}");
                return;
            }
            Assert.True(position >= 0 && position < json.Length, $"{error} at {position} of {json.Length}: {shown}");
            JsonReader.Validate(json.AsSpan(0, position), MaxDepth, out JsonError before, out _);
            Assert.True(before == JsonError.None || before == JsonError.UnexpectedEnd,
                $"{error} at {position}, but the bytes before it already fail with {before}: {shown}");
            JsonReader.Validate(json.AsSpan(0, position + 1), MaxDepth, out JsonError upTo, out int upToPosition);
            Assert.True(upTo == error && upToPosition == position,
                $"{error} at {position}, but up to that byte it is {upTo} at {upToPosition}: {shown}");
        }

        [Fact]
        public void Mutated_OCPP_messages_never_crash_the_reader_and_agree_with_System_Text_Json()
        {
            var random = new Random(16_1976);
            int valid = 0;
            int cases = 0;
            foreach (byte[] seed in Seeds())
            {
                for (int i = 0; i < 600; i++)
                {
                    if (Check(Mutate(seed, random))) valid++;
                    cases++;
                }
            }
            Assert.True(cases > 25_000, $"{cases} cases");
            Assert.True(valid > cases / 50, $"only {valid} of {cases} mutants were valid: the test says little about valid input");
            AssertEveryErrorWasSeen(JsonError.TooDeep);
        }

        [Fact]
        public void Every_truncation_of_every_message_is_an_unexpected_end_at_the_cut()
        {
            foreach (string message in OcppSamples.Messages)
            {
                byte[] json = OcppSamples.Utf8(message);
                for (int length = 0; length < json.Length; length++)
                {
                    Assert.False(JsonReader.Validate(json.AsSpan(0, length), MaxDepth, out JsonError error, out int position));
                    Assert.Equal((JsonError.UnexpectedEnd, length), (error, position));
                }
            }
        }

        [Fact]
        public void Short_random_strings_of_JSON_characters_agree_with_System_Text_Json()
        {
            var random = new Random(8259);
            int valid = 0;
            for (int i = 0; i < 40_000; i++)
            {
                var json = new byte[random.Next(12)];
                for (int k = 0; k < json.Length; k++) json[k] = RandomByte(random);
                if (Check(json)) valid++;
            }
            Assert.True(valid > 100, $"only {valid} valid");
            AssertEveryErrorWasSeen(JsonError.TooDeep, JsonError.InvalidUnicode); // a surrogate escape needs 6 chosen bytes
        }

        [Fact]
        public void Generated_documents_and_their_mutants_agree_with_System_Text_Json()
        {
            var random = new Random(1_6_0);
            int valid = 0;
            for (int i = 0; i < 4_000; i++)
            {
                byte[] json = JsonGenerator.Document(random, MaxDepth + 2);
                if (Check(json)) valid++;
                for (int m = 0; m < 3; m++) Check(Mutate(json, random));
            }
            Assert.True(valid > 1_000, $"only {valid} generated documents were valid");
            AssertEveryErrorWasSeen();
        }
    }
}
