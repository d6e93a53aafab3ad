using System;
using ChargePoint.Core.Json;
using Xunit;

namespace ChargePoint.Tests.Core.Json
{
    // The firmware's heap is sealed after boot: reading and writing messages must not allocate.
    // Measured per thread, after one warm-up pass (as tests/Core/ZeroAllocationTests.cs does).
    public class JsonZeroAllocationTests
    {
        private static readonly byte[][] Corpus = Load();

        private static byte[][] Load()
        {
            var corpus = new byte[OcppSamples.Messages.Length][];
            for (int i = 0; i < corpus.Length; i++) corpus[i] = OcppSamples.Utf8(OcppSamples.Messages[i]);
            return corpus;
        }

        private static long AllocatedBy(Action action)
        {
            action();
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        [Fact]
        public void Reading_every_token_of_every_message_allocates_nothing()
        {
            var text = new byte[256];
            long sum = 0;
            long allocated = AllocatedBy(() =>
            {
                for (int round = 0; round < 50; round++)
                {
                    foreach (byte[] message in Corpus)
                    {
                        var reader = new JsonReader(message, 16);
                        while (reader.Read())
                        {
                            sum += reader.Depth + reader.ValueSpan.Length;
                            if (reader.ValueTextEquals("status"u8)) sum++;
                            sum += reader.CopyString(text) + reader.GetEnumIndex("Accepted|Rejected"u8) + reader.GetStringCodePointCount();
                            if (reader.TryGetInt64(out long value)) sum += value;
                            if (reader.TryGetScaled(3, out long scaled)) sum += scaled;
                            if (reader.TryGetDouble(out double real)) sum += (long)real;
                        }
                        sum += (int)reader.Error;
                    }
                }
            });
            Assert.Equal(0, allocated);
            Assert.NotEqual(0, sum);
        }

        [Fact]
        public void Refusing_malformed_input_allocates_nothing()
        {
            byte[] broken = OcppSamples.Latin1("[2,\"1\",\"Authorize\",{\"idTag\":\"\\uD800x\"}]");
            JsonError last = JsonError.None;
            int textLength = 0;
            long allocated = AllocatedBy(() =>
            {
                for (int i = 0; i < 1000; i++)
                {
                    JsonReader.Validate(broken, 16, out last, out int position);
                    textLength = JsonErrorText.Of(last).Length;
                    JsonElement.TryParse(broken.AsSpan(0, position), 16, out _, out _, out _);
                }
            });
            Assert.Equal(0, allocated);
            Assert.Equal(JsonError.InvalidUnicode, last);
            Assert.True(textLength > 0);
        }

        [Fact]
        public void Parsing_a_message_with_the_element_helpers_allocates_nothing()
        {
            byte[] meterValues = OcppSamples.Utf8(OcppSamples.MeterValuesReq);
            byte[] startConf = OcppSamples.Utf8(OcppSamples.StartTransactionConf);
            var text = new byte[32];
            long total = 0;
            long allocated = AllocatedBy(() =>
            {
                for (int i = 0; i < 200; i++)
                {
                    JsonElement.TryParse(meterValues, 8, out JsonElement frame, out _, out _);
                    frame[0].TryGetInt32(out int type);
                    total += type + frame[1].GetStringLength();
                    JsonElement payload = frame[3];
                    if (!payload.CheckProperties("connectorId|meterValue"u8, "transactionId"u8).IsValid) total = -1;
                    foreach (JsonElement meterValue in payload.GetProperty("meterValue"u8).EnumerateArray())
                        foreach (JsonElement sampled in meterValue.GetProperty("sampledValue"u8).EnumerateArray())
                        {
                            int length = sampled.GetProperty("value"u8).CopyString(text);
                            JsonNumber.TryParse(text.AsSpan(0, length), out long mantissa, out int exponent);
                            JsonNumber.TryScale(mantissa, exponent, 3, out long milli);
                            total += milli + sampled.GetProperty("measurand"u8).GetEnumIndex("Voltage|Current.Import"u8);
                        }

                    JsonElement.TryParse(startConf, 8, out frame, out _, out _);
                    JsonElement info = frame[2].GetProperty("idTagInfo"u8);
                    total += info.GetProperty("status"u8).GetEnumIndex("Accepted|Blocked|Expired|Invalid|ConcurrentTx"u8);
                    foreach (JsonProperty property in frame[2].EnumerateObject()) total += property.NameSpan.Length;
                    total += frame.GetArrayLength() + frame[2].GetPropertyCount();
                }
            });
            Assert.Equal(0, allocated);
            Assert.True(total > 0);
        }

        [Fact]
        public void Writing_messages_into_a_buffer_made_at_boot_allocates_nothing()
        {
            var writer = new JsonWriter(1024);
            byte[] kept = OcppSamples.Utf8("{\"status\":\"Accepted\"}");
            bool complete = true;
            long allocated = AllocatedBy(() =>
            {
                for (int i = 0; i < 1000; i++)
                {
                    writer.Reset();
                    writer.StartArray();
                    writer.Number(2);
                    writer.String("4c1d"u8);
                    writer.String("MeterValues"u8);
                    writer.StartObject();
                    writer.Number("connectorId"u8, 1);
                    writer.Number("transactionId"u8, i);
                    writer.StartArray("meterValue"u8);
                    writer.StartObject();
                    writer.String("timestamp"u8, "2024-02-14T06:08:03Z"u8);
                    writer.StartArray("sampledValue"u8);
                    writer.StartObject();
                    writer.NumberAsString("value"u8, 12500 + i, 3);
                    writer.String("unit"u8, "kWh\n\"quoted\""u8);
                    writer.Bool("b"u8, true);
                    writer.Null("n"u8);
                    writer.Number("limit"u8, -160, 1);
                    writer.RawValue("kept"u8, kept);
                    writer.EndObject();
                    writer.EndArray();
                    writer.EndObject();
                    writer.EndArray();
                    writer.EndObject();
                    writer.EndArray();
                    if (!writer.IsComplete) complete = false;
                }
            });
            Assert.Equal(0, allocated);
            Assert.True(complete);
        }
    }
}
