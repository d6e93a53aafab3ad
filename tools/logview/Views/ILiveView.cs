using System;

namespace ChargePoint.Logview.Views
{
    // The live view: Spectre.Console on a terminal, plain lines on a pipe. Run wraps the read
    // loop (Spectre's live display owns the console while it runs); Show is called as data arrives
    // (at most a few times a second) and once with Final set.
    public interface ILiveView
    {
        void Run(Action body);
        void Show(ViewState state);
    }
}
