using System;
using ChargePoint.Core.Logging;

namespace ChargePoint.Core.SessionLog
{
    // One stream line being built in a caller's buffer: Append in order, then End, which adds the
    // CR LF and returns the length, or 0 when the line did not fit (nothing half-written is used).
    internal ref struct LineText
    {
        // What LogFormat.WritePrefix writes after the timestamp's "] " for Info and an empty
        // module: "<inf> : ".
        private const int ConsoleAfterTimestamp = 8;

        private readonly Span<byte> _destination;
        private int _length;
        private bool _overflow;

        public LineText(Span<byte> destination)
        {
            _destination = destination;
            _length = 0;
            _overflow = false;
        }

        public void Append(ReadOnlySpan<byte> text)
        {
            if (_overflow || text.Length > _destination.Length - _length)
            {
                _overflow = true;
                return;
            }
            text.CopyTo(_destination.Slice(_length));
            _length += text.Length;
        }

        public void Append(long value)
        {
            if (_overflow || _destination.Length - _length < 20) // DecimalText needs room for any long
            {
                _overflow = true;
                return;
            }
            _length += DecimalText.Write(value, _destination.Slice(_length));
        }

        // The console's timestamp and a space: "[00:00:17.197,000] ". LogFormat writes the console's
        // whole prefix; the stream keeps it up to the space after the timestamp and writes over the rest.
        public void Timestamp(long uptimeMicroseconds)
        {
            if (_overflow) return;
            int prefix = LogFormat.WritePrefix(_destination.Slice(_length), uptimeMicroseconds, LogLevel.Info, ReadOnlySpan<byte>.Empty);
            if (prefix == 0)
            {
                _overflow = true;
                return;
            }
            _length += prefix - ConsoleAfterTimestamp;
        }

        public int End()
        {
            Append("\r\n"u8);
            return _overflow ? 0 : _length;
        }
    }
}
