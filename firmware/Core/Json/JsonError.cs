namespace ChargePoint.Core.Json
{
    // Why a document is not RFC 8259 JSON. JsonReader.ErrorPosition says where: the offset of the
    // first byte that no valid document could have at that place (for UnexpectedEnd: the length,
    // the input being the beginning of a valid document that was cut short).
    public enum JsonError
    {
        None,
        UnexpectedEnd,
        // A byte that cannot start what the grammar expects there: a value, a property name, ':',
        // ',' or the closing bracket (single quotes, trailing commas, NaN, '+1', '.5', a BOM).
        UnexpectedCharacter,
        // true, false or null misspelt, or followed by something other than a delimiter.
        InvalidLiteral,
        // Leading zeros, '1.', '1e', '-', or a number followed by something other than a delimiter.
        InvalidNumber,
        // A backslash not followed by one of "\/bfnrt or u and four hex digits.
        InvalidEscape,
        // A \u escape of a surrogate that is not a high one followed by a \u escape of a low one.
        InvalidUnicode,
        // Bytes in a string that are not well-formed UTF-8 (RFC 3629: no overlongs, no surrogates).
        InvalidUtf8,
        // A byte below 0x20 inside a string (RFC 8259 7: it must be escaped).
        ControlCharacter,
        // More nested objects and arrays than the reader's maxDepth.
        TooDeep,
        // Something other than whitespace after the document's one value.
        TrailingData,
    }
}
