using System;

namespace ChargePoint.Core.Json
{
    public static class JsonErrorText
    {
        // For log lines and CALLERROR descriptions.
        public static ReadOnlySpan<byte> Of(JsonError error)
        {
            switch (error)
            {
                case JsonError.None: return "none"u8;
                case JsonError.UnexpectedEnd: return "unexpected end of data"u8;
                case JsonError.UnexpectedCharacter: return "unexpected character"u8;
                case JsonError.InvalidLiteral: return "invalid literal"u8;
                case JsonError.InvalidNumber: return "invalid number"u8;
                case JsonError.InvalidEscape: return "invalid escape sequence"u8;
                case JsonError.InvalidUnicode: return "unpaired surrogate in a \\u escape"u8;
                case JsonError.InvalidUtf8: return "invalid UTF-8"u8;
                case JsonError.ControlCharacter: return "unescaped control character in a string"u8;
                case JsonError.TooDeep: return "nested too deep"u8;
                case JsonError.TrailingData: return "data after the JSON value"u8;
                default: return "error"u8;
            }
        }
    }
}
