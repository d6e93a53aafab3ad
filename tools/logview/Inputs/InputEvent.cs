namespace ChargePoint.Logview.Inputs
{
    // What an input's reading thread hands the main loop: bytes, a message for the user, a new
    // stream (a followed file was truncated, a connection was made again) or its end.
    public sealed class InputEvent
    {
        public byte[] Data;
        public string Message;
        public bool NewStream;
        public bool End;
        public bool Failed;          // ended because the input could not be opened or read

        public static InputEvent Bytes(byte[] data) => new InputEvent { Data = data };
        public static InputEvent Say(string message) => new InputEvent { Message = message };
        public static InputEvent Restart(string message) => new InputEvent { Message = message, NewStream = true };
        public static InputEvent Ended(string message) => new InputEvent { Message = message, End = true };
        public static InputEvent Failure(string message) => new InputEvent { Message = message, End = true, Failed = true };
    }
}
