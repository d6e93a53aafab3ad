using System;

namespace ChargePoint.Logview.Session
{
    // Cuts the byte stream into lines at "\n" and parses each. The format ends every line with
    // "\r\n": a bare "\n", a line with no end at all (the last one, when the input ends), and a
    // run of bytes with no end in sight are reported on the line (StreamLine.EndError) and still
    // parsed. Bytes are counted as received, so a summary's byte figure can be checked.
    public sealed class LineSplitter
    {
        public const int MaxLineBytes = 4096;

        private readonly byte[] pending = new byte[MaxLineBytes];
        private int count;
        private int nextNumber = 1;

        public long BytesRead { get; private set; }
        public int PendingBytes => count;       // of a line not ended yet
        public int LinesRead => nextNumber - 1;

        public void Write(ReadOnlySpan<byte> data, Action<StreamLine> sink)
        {
            BytesRead += data.Length;
            foreach (byte b in data)
            {
                if (b == (byte)'\n')
                {
                    bool cr = count > 0 && pending[count - 1] == (byte)'\r';
                    Emit(cr ? count - 1 : count, count + 1, cr ? null : "the line ends with \\n alone, not \\r\\n", sink);
                    continue;
                }
                if (count == MaxLineBytes)
                    Emit(count, count, $"more than {MaxLineBytes} bytes without a line end: cut here", sink);
                pending[count++] = b;
            }
        }

        // The input ended: what is left is a line without its end.
        public void Flush(Action<StreamLine> sink)
        {
            if (count == 0) return;
            bool cr = pending[count - 1] == (byte)'\r';
            Emit(cr ? count - 1 : count, count, "the input ended in the middle of this line (no \\r\\n)", sink);
        }

        private void Emit(int textBytes, int lineBytes, string endError, Action<StreamLine> sink)
        {
            // Latin-1: one char per byte, so the parser sees (and reports) any byte that is not ASCII.
            string text = System.Text.Encoding.Latin1.GetString(pending, 0, textBytes);
            StreamLine line = LineParser.Parse(nextNumber++, text, lineBytes);
            line.EndError = endError;
            count = 0;
            sink(line);
        }
    }
}
