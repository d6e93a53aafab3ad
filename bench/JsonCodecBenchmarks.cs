using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ChargePoint.Core.Json;

namespace ChargePoint.Bench
{
    // Ours against System.Text.Json, per message: parse (Walkers: every token, every string copied
    // out, every number parsed) and write (OcppMessages.Write: the same values to the same bytes).
    // Ours is each category's baseline, so BenchmarkDotNet's Ratio column of a Stj row is
    // System.Text.Json's time / ours (above 1: ours is faster).
    [MemoryDiagnoser]
    [CategoriesColumn]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
    public class JsonCodecBenchmarks
    {
        // System.Text.Json as it comes: its default encoder (JavaScriptEncoder.Default) gives the same
        // bytes as JsonWriter on these messages (plain ASCII, nothing HTML-sensitive), which Check
        // proves before each run. Were a message to hold '+', '<', '&', a quote or non-ASCII text,
        // the default would escape it where JsonWriter does not: then set
        // Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping here, which escapes what JsonWriter does.
        internal static readonly JsonWriterOptions WriterOptions = new JsonWriterOptions();

        internal static readonly JsonReaderOptions ReaderOptions = new JsonReaderOptions { MaxDepth = JsonReader.MaxSupportedDepth };

        [Params(OcppMessage.MeterValues, OcppMessage.StartTransaction, OcppMessage.GetConfigurationConf)]
        public OcppMessage Message;

        private byte[] _json;
        private readonly byte[] _text = new byte[OcppMessages.BufferSize];
        private JsonWriter _ours;
        private ArrayBufferWriter<byte> _stjBuffer;
        private Utf8JsonWriter _stj;

        [GlobalSetup]
        public void Setup()
        {
            _ours = new JsonWriter(OcppMessages.BufferSize);
            _stjBuffer = new ArrayBufferWriter<byte>(OcppMessages.BufferSize);
            _stj = new Utf8JsonWriter(_stjBuffer, WriterOptions);
            OcppMessages.Write(Message, _ours);
            _json = _ours.Written.ToArray();
        }

        [GlobalCleanup]
        public void Cleanup() => _stj.Dispose();

        [Benchmark(Baseline = true), BenchmarkCategory("parse")]
        public long OursParse() => Walkers.Walk(_json, _text);

        [Benchmark, BenchmarkCategory("parse")]
        public long StjParse() => Walkers.Walk(_json, _text, ReaderOptions);

        [Benchmark(Baseline = true), BenchmarkCategory("write")]
        public int OursWrite()
        {
            _ours.Reset();
            OcppMessages.Write(Message, _ours);
            return _ours.Length;
        }

        [Benchmark, BenchmarkCategory("write")]
        public int StjWrite()
        {
            _stjBuffer.ResetWrittenCount();
            _stj.Reset();
            OcppMessages.Write(Message, _stj);
            _stj.Flush();
            return _stjBuffer.WrittenCount;
        }
    }
}
