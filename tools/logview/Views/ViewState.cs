using ChargePoint.Logview.Session;

namespace ChargePoint.Logview.Views
{
    // What a view shows: the stream so far, how long it has been read, the input's last word.
    public sealed class ViewState
    {
        public SessionCheck Check;
        public string Source;
        public double ElapsedS;
        public string Status = "";
        public bool Live;
        public bool Final;
    }
}
