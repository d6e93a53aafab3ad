using System;

namespace ChargePoint.Core.Logging
{
    // Formats Zephyr-style lines into one buffer sized at boot and hands each finished line to the
    // output. One line at a time, from the scheduler only (interrupt handlers never log).
    public sealed class Logger
    {
        private readonly IClock _clock;
        private readonly ISerialOut _output;
        private readonly byte[] _line;
        private int _length;
        private bool _truncated;
        private int _linesWritten;

        public Logger(IClock clock, ISerialOut output, int lineCapacity)
        {
            _clock = clock;
            _output = output;
            _line = new byte[lineCapacity];
        }

        public LogLevel Threshold { get; set; } = LogLevel.Info;

        public int LinesWritten => _linesWritten;

        public bool IsEnabled(LogLevel level) => level <= Threshold;

        // Firmware code passes u8 literals (they stay in flash); string overloads serve host code.
        public LogLine Begin(LogLevel level, ReadOnlySpan<byte> module)
        {
            if (!IsEnabled(level)) return default;
            _truncated = false;
            // The prefix gets the same room as text: the last two bytes are the CR LF's.
            _length = LogFormat.WritePrefix(new Span<byte>(_line, 0, _line.Length - 2), _clock.UptimeMicroseconds, level, module);
            return new LogLine(this);
        }

        public LogLine Begin(LogLevel level, string module)
        {
            Span<byte> moduleBytes = stackalloc byte[32];
            int moduleLength = Utf8.Encode(module, moduleBytes);
            return Begin(level, moduleBytes.Slice(0, moduleLength));
        }

        // A line without the timestamp prefix, always written (command replies, like Zephyr's
        // shell output between log lines).
        public LogLine BeginText()
        {
            _truncated = false;
            _length = 0;
            return new LogLine(this);
        }

        public void Info(ReadOnlySpan<byte> module, ReadOnlySpan<byte> message) => Begin(LogLevel.Info, module).Append(message).End();
        public void Warning(ReadOnlySpan<byte> module, ReadOnlySpan<byte> message) => Begin(LogLevel.Warning, module).Append(message).End();
        public void Error(ReadOnlySpan<byte> module, ReadOnlySpan<byte> message) => Begin(LogLevel.Error, module).Append(message).End();
        public void Info(string module, string message) => Begin(LogLevel.Info, module).Append(message).End();
        public void Warning(string module, string message) => Begin(LogLevel.Warning, module).Append(message).End();
        public void Error(string module, string message) => Begin(LogLevel.Error, module).Append(message).End();
        public void Debug(string module, string message) => Begin(LogLevel.Debug, module).Append(message).End();

        // Room left for text, keeping two bytes for the CR LF.
        internal Span<byte> Free => new Span<byte>(_line, _length, _line.Length - 2 - _length);

        internal void Advance(int count, bool truncated)
        {
            _length += count;
            _truncated |= truncated;
        }

        internal void Finish()
        {
            if (_truncated && _length >= 3)
            {
                // "..." replaces the last characters: back up to a character start so that no
                // UTF-8 sequence is cut in half.
                int at = _length - 3;
                while (at > 0 && (_line[at] & 0xC0) == 0x80) at--;
                _line[at] = (byte)'.';
                _line[at + 1] = (byte)'.';
                _line[at + 2] = (byte)'.';
                _length = at + 3;
            }
            _line[_length++] = (byte)'\r';
            _line[_length++] = (byte)'\n';
            _output.Write(new ReadOnlySpan<byte>(_line, 0, _length));
            _length = 0;
            _linesWritten++;
        }
    }
}
