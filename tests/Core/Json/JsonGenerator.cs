using System;
using System.Collections.Generic;
using System.Text;

namespace ChargePoint.Tests.Core.Json
{
    // Random JSON from a seeded Random: documents as text (random whitespace, escapes, numbers in
    // every form the grammar allows) for the reader, and value trees for the writer.
    internal static class JsonGenerator
    {
        private static readonly string[] Whitespace = { "", "", "", " ", "\t", "\r\n", "\n  " };

        private static readonly string[] Characters =
            { "a", "Z", "0", " ", "~", "'", "\u007f", "\u00e9", "\u20ac", "\U0001F600", "\U0010FFFF", "\ud7ff", "\ue000" };

        private static readonly string[] Escapes =
            { "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0000", "\\u001f", "\\u0041", "\\u00E9", "\\u20ac", "\\uD83D\\uDE00", "\\udbff\\udfff", "\\uFFFF" };

        public static byte[] Document(Random random, int maxDepth)
        {
            var text = new StringBuilder();
            text.Append(Space(random));
            Value(random, text, 0, maxDepth);
            text.Append(Space(random));
            return Encoding.UTF8.GetBytes(text.ToString());
        }

        private static string Space(Random random) => Whitespace[random.Next(Whitespace.Length)];

        private static void Value(Random random, StringBuilder text, int depth, int maxDepth)
        {
            int kind = random.Next(depth >= maxDepth ? 5 : 8);
            switch (kind)
            {
                case 0: text.Append(String(random)); break;
                case 1: text.Append(Number(random)); break;
                case 2: text.Append("true"); break;
                case 3: text.Append("false"); break;
                case 4: text.Append("null"); break;
                case 5:
                case 6:
                    text.Append('{');
                    int properties = random.Next(5);
                    for (int i = 0; i < properties; i++)
                    {
                        if (i > 0) text.Append(',');
                        text.Append(Space(random)).Append(String(random)).Append(Space(random)).Append(':').Append(Space(random));
                        Value(random, text, depth + 1, maxDepth);
                        text.Append(Space(random));
                    }
                    if (properties == 0) text.Append(Space(random));
                    text.Append('}');
                    break;
                default:
                    text.Append('[');
                    int items = random.Next(5);
                    for (int i = 0; i < items; i++)
                    {
                        if (i > 0) text.Append(',');
                        text.Append(Space(random));
                        Value(random, text, depth + 1, maxDepth);
                        text.Append(Space(random));
                    }
                    if (items == 0) text.Append(Space(random));
                    text.Append(']');
                    break;
            }
        }

        private static string String(Random random)
        {
            var text = new StringBuilder("\"");
            int pieces = random.Next(6);
            for (int i = 0; i < pieces; i++)
                text.Append(random.Next(3) == 0 ? Escapes[random.Next(Escapes.Length)] : Characters[random.Next(Characters.Length)]);
            return text.Append('"').ToString();
        }

        // -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
        private static string Number(Random random)
        {
            var text = new StringBuilder();
            if (random.Next(3) == 0) text.Append('-');
            if (random.Next(4) == 0) text.Append('0');
            else
            {
                text.Append((char)('1' + random.Next(9)));
                int digits = random.Next(random.Next(4) == 0 ? 25 : 6);
                for (int i = 0; i < digits; i++) text.Append((char)('0' + random.Next(10)));
            }
            if (random.Next(2) == 0)
            {
                text.Append('.');
                int digits = 1 + random.Next(random.Next(4) == 0 ? 22 : 4);
                for (int i = 0; i < digits; i++) text.Append((char)('0' + random.Next(10)));
            }
            if (random.Next(3) == 0)
            {
                text.Append(random.Next(2) == 0 ? 'e' : 'E');
                int sign = random.Next(3);
                if (sign == 1) text.Append('+');
                if (sign == 2) text.Append('-');
                int digits = 1 + random.Next(3);
                for (int i = 0; i < digits; i++) text.Append((char)('0' + random.Next(10)));
            }
            return text.ToString();
        }

        // ---- value trees for the writer ---------------------------------------------------------

        public abstract class Node { }

        public sealed class ObjectNode : Node
        {
            public readonly List<KeyValuePair<byte[], Node>> Properties = new List<KeyValuePair<byte[], Node>>();
        }

        public sealed class ArrayNode : Node
        {
            public readonly List<Node> Items = new List<Node>();
        }

        public sealed class StringNode : Node
        {
            public byte[] Utf8;
        }

        public sealed class NumberNode : Node
        {
            public long Mantissa;
            public int Decimals;
            public bool AsString;
        }

        public sealed class LiteralNode : Node
        {
            public bool? Value; // null is JSON null
        }

        public static Node Tree(Random random, int depth)
        {
            int kind = random.Next(depth <= 0 ? 4 : 6);
            switch (kind)
            {
                case 0: return new StringNode { Utf8 = RawString(random) };
                case 1:
                    long mantissa = random.Next(4) == 0 ? random.NextInt64(long.MinValue, long.MaxValue) : random.Next(-100000, 100000);
                    return new NumberNode { Mantissa = mantissa, Decimals = random.Next(-3, 19), AsString = random.Next(4) == 0 };
                case 2: return new LiteralNode { Value = random.Next(2) == 0 };
                case 3: return new LiteralNode { Value = null };
                case 4:
                    var obj = new ObjectNode();
                    int properties = random.Next(5);
                    for (int i = 0; i < properties; i++)
                        obj.Properties.Add(new KeyValuePair<byte[], Node>(RawString(random), Tree(random, depth - 1)));
                    return obj;
                default:
                    var array = new ArrayNode();
                    int items = random.Next(5);
                    for (int i = 0; i < items; i++) array.Items.Add(Tree(random, depth - 1));
                    return array;
            }
        }

        // Unescaped UTF-8 as a message field holds it: any character, control characters, quotes.
        public static byte[] RawString(Random random)
        {
            var text = new StringBuilder();
            int pieces = random.Next(8);
            for (int i = 0; i < pieces; i++)
            {
                switch (random.Next(4))
                {
                    case 0: text.Append((char)random.Next(0x20)); break;
                    case 1: text.Append("\"\\/"[random.Next(3)]); break;
                    default: text.Append(Characters[random.Next(Characters.Length)]); break;
                }
            }
            return Encoding.UTF8.GetBytes(text.ToString());
        }
    }
}
