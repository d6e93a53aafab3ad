using System;
using System.Collections.Concurrent;
using System.IO;
using System.IO.Ports;
using System.Net.Sockets;
using System.Threading;

namespace ChargePoint.Logview.Inputs
{
    // Reads one input on a background thread and hands what it reads to the main loop, which
    // stays free to refresh the view, stop at --seconds or on Ctrl-C. Blocking reads (a pty, a
    // socket) never hold the process: the thread is a background one.
    //
    // follow: a file is read like tail -F (waits for it to appear, goes on at its end, starts
    // again when it is truncated, as QEMU's -serial file: does at each boot); a serial device or
    // a TCP socket that is missing, refuses or goes away is tried again (a board that resets
    // comes back as a new USB device; a QEMU started after logview listens later).
    public sealed class InputReader
    {
        private const int PollMs = 100;
        private readonly InputSpec spec;
        private readonly bool follow;
        private readonly int baud;
        private readonly BlockingCollection<InputEvent> events = new BlockingCollection<InputEvent>(boundedCapacity: 4096);
        private readonly CancellationTokenSource stop = new CancellationTokenSource();

        public InputReader(InputSpec spec, bool follow, int baud)
        {
            this.spec = spec;
            this.follow = follow;
            this.baud = baud;
        }

        public bool IsLive => follow || spec.Kind != InputKind.File;

        public void Start()
        {
            var thread = new Thread(Run) { IsBackground = true, Name = "logview input" };
            thread.Start();
        }

        public void Stop() => stop.Cancel();

        // Waits up to timeoutMs for the next event; null when none came.
        public InputEvent Next(int timeoutMs, CancellationToken token)
        {
            try
            {
                return events.TryTake(out InputEvent e, timeoutMs, token) ? e : null;
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        private void Post(InputEvent e)
        {
            try { events.Add(e, stop.Token); }
            catch (OperationCanceledException) { }
        }

        private void Run()
        {
            try
            {
                switch (spec.Kind)
                {
                    case InputKind.File: ReadFile(); break;
                    case InputKind.Serial: ReadSerial(); break;
                    case InputKind.Pty: ReadPty(); break;
                    case InputKind.Tcp: ReadTcp(); break;
                    default: ReadStream(Console.OpenStandardInput(), "end of standard input"); break;
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is SocketException || e is InvalidOperationException)
            {
                Post(InputEvent.Failure($"{spec}: {e.Message}"));
            }
        }

        private void ReadFile()
        {
            if (!File.Exists(spec.Path))
            {
                if (Directory.Exists(spec.Path)) { Post(InputEvent.Failure($"{spec.Path} is a folder, not a file")); return; }
                if (!follow) { Post(InputEvent.Failure($"no such file: {spec.Path} (make run writes build/mps2-an500/session.log; --follow waits for a file to appear)")); return; }
                Post(InputEvent.Say($"waiting for {spec.Path} to appear..."));
                while (!File.Exists(spec.Path)) if (Wait(PollMs)) return;
            }
            var buffer = new byte[65536];
            while (!stop.IsCancellationRequested)
            {
                using var file = new FileStream(spec.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
                while (true)
                {
                    int n = file.Read(buffer, 0, buffer.Length);
                    if (n > 0) { Post(InputEvent.Bytes(buffer.AsSpan(0, n).ToArray())); continue; }
                    if (!follow) { Post(InputEvent.Ended("end of file")); return; }
                    if (Wait(PollMs)) return;
                    long length;
                    try { length = new FileInfo(spec.Path).Length; }
                    catch (IOException) { length = -1; }
                    if (!File.Exists(spec.Path))
                    {
                        Post(InputEvent.Say($"{spec.Path} was removed: waiting for it to come back"));
                        while (!File.Exists(spec.Path)) if (Wait(PollMs)) return;
                        Post(InputEvent.Restart($"{spec.Path} is back: a new stream"));
                        break;
                    }
                    if (length >= 0 && length < file.Position)
                    {
                        Post(InputEvent.Restart($"{spec.Path} was truncated (a new QEMU run?): a new stream from its start"));
                        break;
                    }
                }
            }
        }

        private void ReadSerial()
        {
            bool first = true;
            while (!stop.IsCancellationRequested)
            {
                if (!File.Exists(spec.Path) && spec.Path.StartsWith("/dev/", StringComparison.Ordinal))
                {
                    string missing = $"no such device: {spec.Path} (the board's USB OTG HS port, not its ST-LINK one, gives /dev/ttyACMn once the firmware's CDC-ACM port is up; with both cables in, it may be /dev/ttyACM1: see ls -l /dev/serial/by-id/)";
                    if (!follow) { Post(InputEvent.Failure(missing)); return; }
                    Post(InputEvent.Say(first ? missing + "; waiting for it" : $"{spec.Path} went away: waiting for it to come back"));
                    while (!File.Exists(spec.Path)) if (Wait(PollMs * 5)) return;
                    if (!first) Post(InputEvent.Restart($"{spec.Path} is back: a new stream"));
                }
                first = false;
                using var port = new SerialPort(spec.Path, baud)
                {
                    // CDC-ACM: the device sends when the host sets DTR (SET_CONTROL_LINE_STATE);
                    // the baud rate means nothing on USB but matters on a real UART.
                    DtrEnable = true,
                    RtsEnable = true,
                    ReadTimeout = 250,
                    Handshake = Handshake.None,
                };
                try
                {
                    port.Open();
                }
                catch (IOException e) when (e.Message.Contains("Inappropriate ioctl", StringComparison.Ordinal))
                {
                    // Not a serial port (no modem lines: a pty behind a link, say): read it as it is.
                    Post(InputEvent.Say($"{spec.Path} is no serial port ({e.Message}): reading it as a plain device"));
                    ReadStream(new FileStream(spec.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1), $"{spec.Path} closed");
                    return;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is InvalidOperationException)
                {
                    string why = e is UnauthorizedAccessException
                        ? $"cannot open {spec.Path}: permission denied (add yourself to the dialout group, or run as root)"
                        : $"cannot open {spec.Path}: {e.Message}";
                    if (!follow) { Post(InputEvent.Failure(why)); return; }
                    Post(InputEvent.Say(why + "; trying again"));
                    if (Wait(1000)) return;
                    continue;
                }
                Post(InputEvent.Say($"{spec.Path} open (DTR on)"));
                var buffer = new byte[16384];
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        int n;
                        try { n = port.BaseStream.Read(buffer, 0, buffer.Length); }
                        catch (TimeoutException) { continue; }
                        if (n > 0) Post(InputEvent.Bytes(buffer.AsSpan(0, n).ToArray()));
                    }
                    return;
                }
                catch (Exception e) when (e is IOException || e is InvalidOperationException || e is UnauthorizedAccessException)
                {
                    if (!follow) { Post(InputEvent.Ended($"{spec.Path} closed: {e.Message}")); return; }
                }
            }
        }

        private void ReadPty()
        {
            if (!File.Exists(spec.Path)) { Post(InputEvent.Failure($"no such pty: {spec.Path} (QEMU's -serial pty prints the one it made: \"char device redirected to /dev/pts/N\")")); return; }
            ReadStream(new FileStream(spec.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1), $"{spec.Path} closed (QEMU quit?)");
        }

        private void ReadTcp()
        {
            bool first = true;
            while (!stop.IsCancellationRequested)
            {
                var client = new TcpClient();
                try
                {
                    client.Connect(spec.Host, spec.Port);
                }
                catch (SocketException e)
                {
                    client.Dispose();
                    string why = $"cannot connect to {spec.Host}:{spec.Port}: {e.Message} (start QEMU with -serial tcp:{spec.Host}:{spec.Port},server,nowait)";
                    if (!follow) { Post(InputEvent.Failure(why)); return; }
                    if (first) Post(InputEvent.Say(why + "; trying again until it listens"));
                    first = false;
                    if (Wait(500)) return;
                    continue;
                }
                if (!first) Post(InputEvent.Restart($"connected to {spec.Host}:{spec.Port} again: a new stream"));
                else Post(InputEvent.Say($"connected to {spec.Host}:{spec.Port}"));
                first = false;
                using (client)
                {
                    Stream stream = client.GetStream();
                    var buffer = new byte[65536];
                    try
                    {
                        int n;
                        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) Post(InputEvent.Bytes(buffer.AsSpan(0, n).ToArray()));
                    }
                    catch (IOException) { }
                }
                if (!follow) { Post(InputEvent.Ended($"{spec.Host}:{spec.Port} closed the connection")); return; }
                Post(InputEvent.Say($"{spec.Host}:{spec.Port} closed the connection: waiting for the next one"));
                if (Wait(500)) return;
            }
        }

        private void ReadStream(Stream stream, string endMessage)
        {
            using (stream)
            {
                var buffer = new byte[65536];
                try
                {
                    int n;
                    while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) Post(InputEvent.Bytes(buffer.AsSpan(0, n).ToArray()));
                }
                catch (IOException) { }   // a pty whose other side closed reads EIO
            }
            Post(InputEvent.Ended(endMessage));
        }

        // Sleeps; true when reading should stop.
        private bool Wait(int ms) => stop.Token.WaitHandle.WaitOne(ms);
    }
}
