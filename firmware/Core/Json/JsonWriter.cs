using System;

namespace ChargePoint.Core.Json
{
    // Compact JSON (no whitespace, as OCPP-J sends it) into a caller's buffer made at boot, modelled
    // on System.Text.Json's Utf8JsonWriter: commas and colons are placed by the writer, strings are
    // escaped. It never throws and never allocates:
    // - a call that does not fit sets Overflowed and writes nothing; every later call writes nothing;
    // - a call out of order (a value in an object without a name, EndArray in an object, a second
    //   document value, more than MaxDepth levels, RawValue of invalid JSON) sets Misused and stops
    //   the writer the same way.
    // IsComplete says the buffer holds exactly one whole, valid JSON value.
    public sealed class JsonWriter
    {
        public const int MaxDepth = 64;

        private byte[] _buffer;
        private int _offset;
        private int _capacity;
        private int _length;
        private int _depth;
        private JsonBits _objects; // bit d set: the container at depth d + 1 is an object
        private bool _hasElements; // the innermost container has a value: the next one needs ','
        private bool _afterName;   // a property name was written: its value comes next
        private bool _rootWritten;
        private bool _overflowed;
        private bool _misused;

        // No buffer yet: Reset(buffer) before writing.
        public JsonWriter() { }

        public JsonWriter(byte[] buffer)
        {
            Reset(buffer);
        }

        // Allocates the buffer: boot time only.
        public JsonWriter(int capacity)
        {
            Reset(new byte[capacity]);
        }

        // Starts a new document in the same buffer region.
        public void Reset()
        {
            _length = 0;
            _depth = 0;
            _objects = default;
            _hasElements = false;
            _afterName = false;
            _rootWritten = false;
            _overflowed = false;
            _misused = false;
        }

        public void Reset(byte[] buffer) => Reset(buffer, 0, buffer == null ? 0 : buffer.Length);

        // Writes into buffer[offset .. offset + count), e.g. after room left for a WebSocket header.
        // A region outside the buffer counts as misuse (nothing can be written).
        public void Reset(byte[] buffer, int offset, int count)
        {
            Reset();
            bool fits = buffer != null && offset >= 0 && count >= 0 && (long)offset + count <= buffer.Length;
            _buffer = fits ? buffer : null;
            _offset = fits ? offset : 0;
            _capacity = fits ? count : 0;
            if (!fits) _misused = true;
        }

        public int Length => _length;
        public int Capacity => _capacity;
        public ReadOnlySpan<byte> Written => _buffer == null ? default : new ReadOnlySpan<byte>(_buffer, _offset, _length);
        public bool Overflowed => _overflowed;
        public bool Misused => _misused;
        public bool IsComplete => _rootWritten && _depth == 0 && !_overflowed && !_misused;
        public int Depth => _depth;

        private bool Stopped => _overflowed || _misused;
        private bool InObject => _depth > 0 && _objects[_depth - 1];

        // ---- structure -----------------------------------------------------------------------

        public void StartObject() => Open(true);
        public void StartArray() => Open(false);
        public void EndObject() => Close(true);
        public void EndArray() => Close(false);

        public void StartObject(ReadOnlySpan<byte> name)
        {
            PropertyName(name);
            Open(true);
        }

        public void StartArray(ReadOnlySpan<byte> name)
        {
            PropertyName(name);
            Open(false);
        }

        // The name (UTF-8, escaped as String does) and its ':'.
        public void PropertyName(ReadOnlySpan<byte> utf8)
        {
            if (Stopped) return;
            if (!InObject || _afterName)
            {
                _misused = true;
                return;
            }
            int comma = _hasElements ? 1 : 0;
            if (!Reserve(comma + EscapedLength(utf8) + 3)) return;
            if (comma != 0) Put((byte)',');
            PutQuoted(utf8);
            Put((byte)':');
            _afterName = true;
        }

        private void Open(bool isObject)
        {
            if (Stopped) return;
            if (_depth >= MaxDepth)
            {
                _misused = true;
                return;
            }
            if (!BeginValue(1)) return;
            PutSeparator();
            Put(isObject ? (byte)'{' : (byte)'[');
            _objects.Set(_depth, isObject);
            _depth++;
            _hasElements = false;
            _afterName = false;
        }

        private void Close(bool isObject)
        {
            if (Stopped) return;
            if (_depth == 0 || InObject != isObject || _afterName)
            {
                _misused = true;
                return;
            }
            if (!Reserve(1)) return;
            Put(isObject ? (byte)'}' : (byte)']');
            _depth--;
            EndValue();
        }

        // ---- values --------------------------------------------------------------------------

        // UTF-8 text as a JSON string: '"', '\' and control characters escaped (\n, \r, \t, \b, \f
        // or \u00XX), other bytes as they are; a byte sequence that is not UTF-8 becomes U+FFFD so
        // that the output stays valid.
        public void String(ReadOnlySpan<byte> utf8)
        {
            if (!BeginValue(EscapedLength(utf8) + 2)) return;
            PutSeparator();
            PutQuoted(utf8);
            EndValue();
        }

        public void String(ReadOnlySpan<byte> name, ReadOnlySpan<byte> utf8)
        {
            PropertyName(name);
            String(utf8);
        }

        public void Number(long value) => Number(value, 0);

        // mantissa / 10^decimals with exactly `decimals` digits after the point: (1234, 1) is 123.4,
        // (-5, 2) is -0.05, (7, 0) is 7; decimals below 0 append zeros: (5, -2) is 500. decimals
        // outside -18..18 is misuse.
        public void Number(long mantissa, int decimals) => WriteDecimal(mantissa, decimals, false);

        public void Number(ReadOnlySpan<byte> name, long value)
        {
            PropertyName(name);
            Number(value, 0);
        }

        public void Number(ReadOnlySpan<byte> name, long mantissa, int decimals)
        {
            PropertyName(name);
            Number(mantissa, decimals);
        }

        // The same digits as Number, in quotes: OCPP 1.6 SampledValue.value is a string ("12.5").
        public void NumberAsString(long mantissa, int decimals) => WriteDecimal(mantissa, decimals, true);

        public void NumberAsString(ReadOnlySpan<byte> name, long mantissa, int decimals)
        {
            PropertyName(name);
            NumberAsString(mantissa, decimals);
        }

        public void Bool(bool value) => Literal(value ? "true"u8 : "false"u8);

        public void Bool(ReadOnlySpan<byte> name, bool value)
        {
            PropertyName(name);
            Bool(value);
        }

        public void Null() => Literal("null"u8);

        public void Null(ReadOnlySpan<byte> name)
        {
            PropertyName(name);
            Null();
        }

        // JSON text written as it is, e.g. a payload kept from an earlier message. It must be one
        // valid value (checked with JsonReader, so the output stays valid); otherwise misuse.
        public void RawValue(ReadOnlySpan<byte> json)
        {
            if (Stopped) return;
            if (!FitsAsValue(json))
            {
                _misused = true;
                return;
            }
            if (!BeginValue(json.Length)) return;
            PutSeparator();
            json.CopyTo(new Span<byte>(_buffer, _offset + _length, json.Length));
            _length += json.Length;
            EndValue();
        }

        public void RawValue(ReadOnlySpan<byte> name, ReadOnlySpan<byte> json)
        {
            PropertyName(name);
            RawValue(json);
        }

        // One valid JSON value whose containers, nested here, stay within MaxDepth.
        private bool FitsAsValue(ReadOnlySpan<byte> json)
        {
            int room = MaxDepth - _depth;
            var reader = new JsonReader(json, room == 0 ? 1 : room);
            while (reader.Read())
                if (room == 0 && (reader.TokenType == JsonTokenType.StartObject || reader.TokenType == JsonTokenType.StartArray)) return false;
            return reader.Error == JsonError.None;
        }

        private void Literal(ReadOnlySpan<byte> text)
        {
            if (!BeginValue(text.Length)) return;
            PutSeparator();
            for (int i = 0; i < text.Length; i++) Put(text[i]);
            EndValue();
        }

        private void WriteDecimal(long mantissa, int decimals, bool quoted)
        {
            if (Stopped) return;
            if (decimals < -18 || decimals > 18)
            {
                _misused = true;
                return;
            }
            ulong magnitude = mantissa < 0 ? 0UL - (ulong)mantissa : (ulong)mantissa;
            int digits = CountDigits(magnitude);
            int zeros = magnitude != 0 && decimals < 0 ? -decimals : 0; // appended after the digits
            int fraction = decimals > 0 ? decimals : 0;
            int integerDigits = fraction >= digits ? 1 : digits - fraction; // "0" before the point when needed
            int leadingZeros = fraction > digits ? fraction - digits : 0;   // 0.0005: the zeros after the point
            int size = (mantissa < 0 ? 1 : 0) + integerDigits + zeros + (fraction > 0 ? 1 + fraction : 0) + (quoted ? 2 : 0);
            if (!BeginValue(size)) return;
            PutSeparator();
            if (quoted) Put((byte)'"');
            if (mantissa < 0) Put((byte)'-');
            if (fraction >= digits)
            {
                Put((byte)'0');
                if (fraction > 0) Put((byte)'.');
                for (int k = 0; k < leadingZeros; k++) Put((byte)'0');
                PutDigits(magnitude, digits);
            }
            else
            {
                ulong scale = 1;
                for (int k = 0; k < fraction; k++) scale *= 10;
                PutDigits(magnitude / scale, digits - fraction);
                for (int k = 0; k < zeros; k++) Put((byte)'0');
                if (fraction > 0)
                {
                    Put((byte)'.');
                    PutDigits(magnitude % scale, fraction);
                }
            }
            if (quoted) Put((byte)'"');
            EndValue();
        }

        private static int CountDigits(ulong value)
        {
            int digits = 1;
            while (value >= 10)
            {
                value /= 10;
                digits++;
            }
            return digits;
        }

        // `value` as exactly `digits` decimal digits, zero-padded on the left.
        private void PutDigits(ulong value, int digits)
        {
            int end = _offset + _length + digits;
            for (int at = end - 1; at >= end - digits; at--)
            {
                _buffer[at] = (byte)('0' + (int)(value % 10));
                value /= 10;
            }
            _length += digits;
        }

        // ---- the mechanics -------------------------------------------------------------------

        // Whether a value of `size` bytes (plus its ',') may be written now; sets Misused or
        // Overflowed when not.
        private bool BeginValue(int size)
        {
            if (Stopped) return false;
            if (_depth == 0 ? _rootWritten : InObject != _afterName)
            {
                _misused = true;
                return false;
            }
            return Reserve(Separator + size);
        }

        private int Separator => _depth > 0 && !InObject && _hasElements ? 1 : 0;

        private void PutSeparator()
        {
            if (Separator != 0) Put((byte)',');
        }

        private void EndValue()
        {
            _afterName = false;
            if (_depth == 0) _rootWritten = true;
            else _hasElements = true;
        }

        private bool Reserve(int size)
        {
            if ((long)_length + size <= _capacity) return true;
            _overflowed = true;
            return false;
        }

        private void Put(byte b) => _buffer[_offset + _length++] = b;

        private void PutQuoted(ReadOnlySpan<byte> utf8)
        {
            Put((byte)'"');
            int i = 0;
            while (i < utf8.Length)
            {
                byte b = utf8[i];
                if (b >= 0x80)
                {
                    int length = JsonUtf8.Check(utf8, i);
                    if (length > 0)
                    {
                        for (int k = 0; k < length; k++) Put(utf8[i + k]);
                        i += length;
                    }
                    else
                    {
                        Put(0xEF); // U+FFFD for the longest broken start of a sequence
                        Put(0xBF);
                        Put(0xBD);
                        i += length == 0 ? 1 : -length;
                    }
                    continue;
                }
                i++;
                byte escape = ShortEscape(b);
                if (escape != 0)
                {
                    Put((byte)'\\');
                    Put(escape);
                }
                else if (b < 0x20)
                {
                    Put((byte)'\\');
                    Put((byte)'u');
                    Put((byte)'0');
                    Put((byte)'0');
                    Put(HexDigit(b >> 4));
                    Put(HexDigit(b & 0xF));
                }
                else
                {
                    Put(b);
                }
            }
            Put((byte)'"');
        }

        // What PutQuoted writes between the quotes.
        private static int EscapedLength(ReadOnlySpan<byte> utf8)
        {
            int size = 0;
            int i = 0;
            while (i < utf8.Length)
            {
                byte b = utf8[i];
                if (b >= 0x80)
                {
                    int length = JsonUtf8.Check(utf8, i);
                    if (length > 0)
                    {
                        size += length;
                        i += length;
                    }
                    else
                    {
                        size += 3;
                        i += length == 0 ? 1 : -length;
                    }
                    continue;
                }
                i++;
                size += ShortEscape(b) != 0 ? 2 : b < 0x20 ? 6 : 1;
            }
            return size;
        }

        private static byte ShortEscape(byte b)
        {
            switch (b)
            {
                case (byte)'"': return (byte)'"';
                case (byte)'\\': return (byte)'\\';
                case 0x08: return (byte)'b';
                case 0x0C: return (byte)'f';
                case 0x0A: return (byte)'n';
                case 0x0D: return (byte)'r';
                case 0x09: return (byte)'t';
                default: return 0;
            }
        }

        private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'A' + value - 10);
    }
}
