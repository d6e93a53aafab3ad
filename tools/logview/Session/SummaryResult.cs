using System.Collections.Generic;

namespace ChargePoint.Logview.Session
{
    public enum FigureStatus { Ok, Mismatch, Unchecked }

    // One summary figure against what was read.
    public sealed class FigureCheck
    {
        public string Label;
        public FigureStatus Status;
        public string Detail;

        public override string ToString() => Label + ": " + (Status == FigureStatus.Ok ? "ok" : Status == FigureStatus.Mismatch ? "MISMATCH" : "not checked") + " (" + Detail + ")";
    }

    // A "=== Session Summary ===" block: the figures it reported and how they compare.
    public sealed class SummaryResult
    {
        public int TitleLine;
        public bool Complete;             // every line of the block was there, in order
        public long? Readings;
        public long? Bytes;
        public long? Throughput;
        public long? HighRateSamples;
        public long? HighRateHz;
        public long? HighRateDropped;
        public readonly List<FigureCheck> Checks = new List<FigureCheck>();
    }
}
