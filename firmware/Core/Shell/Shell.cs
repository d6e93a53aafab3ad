using System;
using ChargePoint.Core.Buffers;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Scheduling;

namespace ChargePoint.Core.Shell
{
    // A small command line on the console. The receive interrupt puts bytes in `input`; this task
    // drains it, echoes what is typed (backspace erases), and on Enter runs the command whose
    // name matches the first word exactly (never a prefix). The command table is fixed at boot.
    public sealed class Shell : ITask
    {
        public const int MaxLineLength = 79;

        private readonly ByteRing _input;
        private readonly ISerialOut _echo;
        private readonly Logger _reply;
        private readonly IShellCommand[] _commands;
        private readonly byte[] _line = new byte[MaxLineLength];
        private int _length;
        private int _count;
        private bool _tooLong;
        private byte _lastReturn; // the CR or LF that ended the previous line, until another byte comes

        public Shell(ByteRing input, ISerialOut echo, Logger reply, int commandCapacity)
        {
            _input = input;
            _echo = echo;
            _reply = reply;
            _commands = new IShellCommand[commandCapacity];
        }

        public int CommandCount => _count;

        // Boot only. False when the table is full.
        public bool Add(IShellCommand command)
        {
            if (_count == _commands.Length) return false;
            _commands[_count++] = command;
            return true;
        }

        public ReadOnlySpan<byte> Name => "shell"u8;

        public void Run(long nowMilliseconds)
        {
            while (_input.TryRead(out byte value))
                Accept(value);
        }

        private void Accept(byte value)
        {
            bool isReturn = value == (byte)'\r' || value == (byte)'\n';
            if (isReturn)
            {
                // CR LF (or LF CR) from a terminal is one Enter; CR CR (screen) is two.
                bool pair = _lastReturn != 0 && _lastReturn != value;
                _lastReturn = pair ? (byte)0 : value;
                if (pair) return;
                Echo("\r\n"u8);
                Execute();
                return;
            }
            _lastReturn = 0;

            if (value == 0x08 || value == 0x7F) // backspace, delete
            {
                if (_length > 0)
                {
                    _length--;
                    Echo("\b \b"u8);
                }
                return;
            }
            if (value < 0x20) return; // other control characters are ignored

            if (_length == _line.Length)
            {
                _tooLong = true;
                return;
            }
            _line[_length++] = value;
            Span<byte> one = stackalloc byte[1];
            one[0] = value;
            _echo.Write(one);
        }

        private void Echo(ReadOnlySpan<byte> text) => _echo.Write(text);

        private void Execute()
        {
            ReadOnlySpan<byte> line = Trim(new ReadOnlySpan<byte>(_line, 0, _length));
            bool tooLong = _tooLong;
            _length = 0;
            _tooLong = false;
            if (tooLong)
            {
                _reply.BeginText().Append("error: line longer than "u8).Append(MaxLineLength).Append(" characters, ignored"u8).End();
                return;
            }
            if (line.IsEmpty) return;

            int space = line.IndexOf((byte)' ');
            ReadOnlySpan<byte> name = space < 0 ? line : line.Slice(0, space);
            ReadOnlySpan<byte> arguments = space < 0 ? ReadOnlySpan<byte>.Empty : Trim(line.Slice(space + 1));

            if (name.SequenceEqual("help"u8))
            {
                ListCommands();
                return;
            }
            for (int i = 0; i < _count; i++)
            {
                if (name.SequenceEqual(_commands[i].Name))
                {
                    _commands[i].Run(arguments, _reply);
                    return;
                }
            }
            _reply.BeginText().Append("error: unknown command \""u8).Append(name).Append("\", type help"u8).End();
        }

        private void ListCommands()
        {
            _reply.BeginText().Append("  help      list the commands"u8).End();
            for (int i = 0; i < _count; i++)
            {
                LogLine line = _reply.BeginText().Append("  "u8).Append(_commands[i].Name);
                for (int pad = _commands[i].Name.Length; pad < 10; pad++) line = line.Append(" "u8);
                line.Append(_commands[i].Help).End();
            }
        }

        public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
        {
            int start = 0, end = text.Length;
            while (start < end && text[start] == (byte)' ') start++;
            while (end > start && text[end - 1] == (byte)' ') end--;
            return text.Slice(start, end - start);
        }
    }
}
