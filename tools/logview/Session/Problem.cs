namespace ChargePoint.Logview.Session
{
    public enum ProblemKind
    {
        Unknown,     // a line the format does not have
        Malformed,   // a known line that breaks its format
        LineEnd,     // not ended with "\r\n"
        OutOfPlace,  // a valid line where the format does not put it
        Sequence,    // readings missing or out of order, sessions that do not pair up, time going back
        Mismatch,    // a summary figure that is not what was read
    }

    // One thing wrong with the stream, with the number of the line it is about (0: the stream).
    public sealed class Problem
    {
        public int Line;
        public ProblemKind Kind;
        public string Message;

        public override string ToString() => (Line > 0 ? "line " + Line + ": " : "") + KindName(Kind) + ": " + Message;

        public static string KindName(ProblemKind kind) => kind switch
        {
            ProblemKind.Unknown => "unknown line",
            ProblemKind.Malformed => "malformed",
            ProblemKind.LineEnd => "line end",
            ProblemKind.OutOfPlace => "out of place",
            ProblemKind.Sequence => "sequence",
            _ => "summary mismatch",
        };
    }
}
