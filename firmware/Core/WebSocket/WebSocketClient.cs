using System;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Net;

namespace ChargePoint.Core.WebSocket
{
    // An RFC 6455 client over one ITcpConnection: the opening handshake (with a subprotocol and
    // optional Basic credentials), text messages both ways, fragmented messages reassembled,
    // ping/pong and the close handshake. Its owner task calls Poll from Run (woken by the
    // connection's signal, or at NextDeadline) and takes the message Poll reports. Every buffer
    // is made in the constructor; nothing allocates after it and nothing blocks.
    //
    // The receive buffer holds, from its start: the fragments of the message being reassembled,
    // then the bytes received but not yet parsed. A frame is parsed only once it is whole in the
    // buffer, so the buffer needs room for the largest message plus a frame header and a control
    // frame (which may arrive in the middle of a fragmented message): ReceiveOverhead.
    public sealed class WebSocketClient
    {
        public const int ReceiveOverhead = FrameParser.MaxHeaderLength + FrameParser.MaxControlPayload;
        // Kept free of data frames in the send buffer: one pong and one close always fit.
        public const int ControlReserve = 2 * FrameWriter.MaxControlFrameLength;
        public const int MaxSubprotocolLength = 64;
        public const int MaxCloseReasonLength = 123; // RFC 6455 5.5: 125 bytes less the code

        private readonly ITcpConnection _tcp;
        private readonly IClock _clock;
        private readonly IRandom _random;
        private readonly Logger _log;
        private readonly Sha1 _sha1 = new Sha1();
        private readonly int _maxMessageLength;
        private readonly int _maxResponseLength;
        private readonly long _handshakeTimeout;
        private readonly long _closeTimeout;

        private readonly byte[] _receive;
        private int _assembled;            // [0, _assembled): fragments of the message being reassembled
        private int _rawStart, _rawEnd;    // [_rawStart, _rawEnd): received, not parsed yet
        private bool _inMessage;           // a fragmented message has begun
        private bool _messageReady, _messageTaken;
        private int _messageStart, _messageLength;

        private readonly byte[] _send;
        private int _sendStart, _sendEnd;  // [_sendStart, _sendEnd): framed, not taken by TCP yet
        private bool _sendBlocked;         // TCP took less than was queued

        private readonly byte[] _pong = new byte[FrameParser.MaxControlPayload];
        private int _pongLength;
        private bool _pongPending;         // a ping waits for room in the send buffer to be answered

        private readonly byte[] _subprotocol = new byte[MaxSubprotocolLength];
        private int _subprotocolLength;
        private readonly byte[] _accept = new byte[HandshakeRequest.AcceptLength];
        private readonly byte[] _closeReason = new byte[MaxCloseReasonLength];
        private int _closeReasonLength;

        private WebSocketState _state;
        private WebSocketFailure _failure;
        private TcpError _tcpError;
        private WebSocketEvents _events;
        private ushort _closeCode;
        private int _handshakeStatus;
        private bool _closeSent, _closeReceived, _failing;
        private long _handshakeDeadline, _closeDeadline;
        private long _now;
        private bool _workPending;

        private uint _pingSequence;
        private bool _pingOutstanding;
        private long _lastPing = -1, _lastPong = -1;

        // maxMessageLength is capped at receiveBufferLength - ReceiveOverhead (MaxMessageLength);
        // the send buffer takes the handshake request, then framed messages and ControlReserve.
        public WebSocketClient(ITcpConnection connection, IClock clock, IRandom random, Logger log,
            int maxMessageLength, int receiveBufferLength, int sendBufferLength,
            long handshakeTimeoutMilliseconds = 10000, long closeTimeoutMilliseconds = 5000, int maxHandshakeResponseLength = 4096)
        {
            _tcp = connection;
            _clock = clock;
            _random = random;
            _log = log;
            _receive = new byte[Math.Max(receiveBufferLength, ReceiveOverhead + 1)];
            _send = new byte[Math.Max(sendBufferLength, ControlReserve + FrameWriter.MaxHeaderLength)];
            _maxMessageLength = Math.Max(0, Math.Min(maxMessageLength, _receive.Length - ReceiveOverhead));
            _maxResponseLength = Math.Min(maxHandshakeResponseLength, _receive.Length);
            _handshakeTimeout = handshakeTimeoutMilliseconds;
            _closeTimeout = closeTimeoutMilliseconds;
        }

        public WebSocketState State => _state;
        public WebSocketFailure Failure => _failure;
        public TcpError TcpError => _tcpError;
        public int HandshakeStatus => _handshakeStatus;   // the HTTP status of the last handshake response, 0 before
        public int MaxMessageLength => _maxMessageLength;

        // The close's status code: the one of the side that started the close handshake; 1005 when
        // its close frame had none; 1006 when the connection ended without one (RFC 6455 7.1.5).
        public ushort CloseCode => _closeCode;
        public ReadOnlySpan<byte> CloseReason => new ReadOnlySpan<byte>(_closeReason, 0, _closeReasonLength);

        // When Poll must run even without a signal from the connection (uptime ms; long.MaxValue: never).
        public long NextDeadline
        {
            get
            {
                switch (_state)
                {
                    case WebSocketState.Connecting:
                    case WebSocketState.Handshaking: return _handshakeDeadline;
                    case WebSocketState.Closing: return _workPending ? _now : _closeDeadline;
                    case WebSocketState.Open: return _workPending ? _now : long.MaxValue;
                    default: return long.MaxValue;
                }
            }
        }

        // Ping bookkeeping for a keep-alive on top (uptime ms; -1: none since Open).
        public long LastPingMilliseconds => _lastPing;
        public long LastPongMilliseconds => _lastPong;
        public bool PingOutstanding => _pingOutstanding;

        // Starts connecting; Poll reports Opened, or Closed | Failed. False (logged) when not Closed,
        // when the request does not fit the send buffer or TCP will not start.
        public bool Open(ReadOnlySpan<byte> host, ushort port, ReadOnlySpan<byte> path, ReadOnlySpan<byte> subprotocol,
            ReadOnlySpan<byte> basicAuthUser, ReadOnlySpan<byte> basicAuthPassword)
        {
            if (_state != WebSocketState.Closed) return false;
            if (subprotocol.Length > MaxSubprotocolLength)
            {
                _log.Begin(LogLevel.Error, "websocket"u8).Append("subprotocol longer than "u8).Append(MaxSubprotocolLength).Append(" bytes"u8).End();
                return false;
            }
            ResetSession();

            // RFC 6455 4.1 item 7: a nonce of 16 random bytes, base64-encoded.
            Span<byte> nonce = stackalloc byte[16];
            for (int i = 0; i < 16; i += 4)
            {
                uint value = _random.NextUInt32();
                nonce[i] = (byte)value;
                nonce[i + 1] = (byte)(value >> 8);
                nonce[i + 2] = (byte)(value >> 16);
                nonce[i + 3] = (byte)(value >> 24);
            }
            Span<byte> key = stackalloc byte[HandshakeRequest.KeyLength];
            Base64.Encode(nonce, key);
            HandshakeRequest.ComputeAccept(_sha1, key, _accept);
            subprotocol.CopyTo(_subprotocol);
            _subprotocolLength = subprotocol.Length;

            int length = HandshakeRequest.Write(_send, host, port, path, key, subprotocol, basicAuthUser, basicAuthPassword);
            if (length < 0)
            {
                _failure = WebSocketFailure.RequestTooLong;
                _log.Begin(LogLevel.Error, "websocket"u8).Append("handshake request longer than the send buffer of "u8)
                    .Append(_send.Length).Append(" bytes"u8).End();
                return false;
            }
            _sendEnd = length;

            if (_tcp.State != TcpState.Closed) _tcp.Close();
            if (!_tcp.Connect(host, port, _handshakeTimeout))
            {
                _sendEnd = 0;
                _failure = WebSocketFailure.ConnectFailed;
                _log.Begin(LogLevel.Error, "websocket"u8).Append("connect to "u8).Append(host).Append(" did not start"u8).End();
                return false;
            }
            _state = WebSocketState.Connecting;
            _now = NowMilliseconds;
            _handshakeDeadline = _now + _handshakeTimeout;
            _log.Begin(LogLevel.Info, "websocket"u8).Append("connecting to "u8).Append(host).Append(":"u8).Append(port)
                .Append(path.IsEmpty ? "/"u8 : path).End();
            return true;
        }

        // Starts the close handshake (RFC 6455 7.1.2): a close frame now, TCP closed once the
        // server answered (and closed its side) or after the close timeout. Before the connection
        // is open it just drops it. False when already closing or closed, or when `code` may not be
        // sent (1005, 1006, 1015, unassigned).
        public bool Close(ushort code, ReadOnlySpan<byte> reason)
        {
            if (!WebSocketCloseCode.IsAllowedOnTheWire(code)) return false;
            switch (_state)
            {
                case WebSocketState.Connecting:
                case WebSocketState.Handshaking:
                    _closeCode = code;
                    SetCloseReason(reason);
                    Finish(WebSocketFailure.None);
                    return true;
                case WebSocketState.Open:
                    _log.Begin(LogLevel.Info, "websocket"u8).Append("closing with "u8).Append(code).Append(" "u8).Append(reason).End();
                    _closeCode = code;
                    SetCloseReason(reason);
                    StartClose(code, CloseReason, NowMilliseconds);
                    Flush();
                    return true;
                default:
                    return false;
            }
        }

        // Whether a text message of `length` bytes fits the send buffer now.
        public bool CanSend(int length) =>
            _state == WebSocketState.Open && !_closeSent && length >= 0 && FrameWriter.FrameLength(length) <= SendRoom - ControlReserve;

        // Frames and masks `message` into the send buffer and hands TCP what it takes. False, with
        // nothing queued, when not Open or when it does not fit now (CanSend; Writable tells when
        // room came back).
        public bool SendText(ReadOnlySpan<byte> message)
        {
            if (!CanSend(message.Length)) return false;
            Span<byte> free = ReserveSend(FrameWriter.FrameLength(message.Length));
            _sendEnd += FrameWriter.Write(free, WebSocketOpcode.Text, true, message, _random.NextUInt32());
            Flush();
            return true;
        }

        // Sends a ping whose payload is a sequence number; its pong sets LastPongMilliseconds and
        // raises PongReceived. False when not Open or no room.
        // Gives the connection up at once, without a close handshake (a link that stopped carrying
        // bytes cannot complete one): TCP is closed, Poll reports Closed | Failed (Abandoned).
        public void Abandon()
        {
            if (_state == WebSocketState.Closed) return;
            _closeCode = WebSocketCloseCode.Abnormal;
            Finish(WebSocketFailure.Abandoned);
        }

        public bool SendPing()
        {
            if (_state != WebSocketState.Open || _closeSent) return false;
            Span<byte> payload = stackalloc byte[4];
            uint sequence = _pingSequence + 1;
            WriteSequence(sequence, payload);
            if (!QueueControl(WebSocketOpcode.Ping, payload)) return false;
            _pingSequence = sequence;
            _pingOutstanding = true;
            _lastPing = NowMilliseconds;
            Flush();
            return true;
        }

        // The message Poll reported (MessageReceived): valid until the next Poll.
        public bool TryTakeMessage(out ReadOnlySpan<byte> text)
        {
            if (!_messageReady || _messageTaken)
            {
                text = default;
                return false;
            }
            _messageTaken = true;
            text = new ReadOnlySpan<byte>(_receive, _messageStart, _messageLength);
            return true;
        }

        // Processes the connection's events: flushes, reads, parses, answers pings and closes, and
        // checks the deadlines. At most one message is reported per call; when more input waits,
        // NextDeadline is now.
        public WebSocketEvents Poll(long nowMilliseconds)
        {
            _now = nowMilliseconds;
            _workPending = false;
            if (_messageReady) ReleaseMessage();
            if (_state != WebSocketState.Closed) Advance();
            WebSocketEvents events = _events;
            _events = WebSocketEvents.None;
            return events;
        }

        private void Advance()
        {
            _tcp.TakeEvents(); // the state below says it all; the events only woke us
            TcpState tcp = _tcp.State;
            if (tcp == TcpState.Failed)
            {
                OnTcpFailed();
                return;
            }
            if (_state == WebSocketState.Connecting && tcp == TcpState.Connected) _state = WebSocketState.Handshaking;
            if (_state == WebSocketState.Handshaking)
            {
                Flush();
                ReadHandshake();
            }
            if (_state == WebSocketState.Open || _state == WebSocketState.Closing)
            {
                Flush();
                if (!_failing && !_closeReceived) ReadFrames();
                Flush();
            }
            if (_state == WebSocketState.Closed) return;
            _workPending = _messageReady && (_rawEnd > _rawStart || _tcp.Available > 0 || _tcp.State == TcpState.PeerClosed);
            if (!_messageReady && _tcp.State == TcpState.PeerClosed && _tcp.Available == 0) OnPeerClosed();
            else if (_state == WebSocketState.Closing) CheckClosed();
            if (_state != WebSocketState.Closed) CheckDeadlines();
        }

        // ---- the opening handshake ----------------------------------------------------------------

        private void ReadHandshake()
        {
            while (true)
            {
                int header = HandshakeResponse.HeaderLength(new ReadOnlySpan<byte>(_receive, 0, Math.Min(_rawEnd, _maxResponseLength)));
                if (header > 0)
                {
                    OnHandshakeResponse(header);
                    return;
                }
                if (_rawEnd >= _maxResponseLength)
                {
                    _log.Begin(LogLevel.Error, "websocket"u8).Append("handshake response header longer than "u8)
                        .Append(_maxResponseLength).Append(" bytes"u8).End();
                    Finish(WebSocketFailure.ResponseTooLong);
                    return;
                }
                int read = _tcp.Receive(new Span<byte>(_receive, _rawEnd, _receive.Length - _rawEnd));
                if (read <= 0) return;
                _rawEnd += read;
            }
        }

        private void OnHandshakeResponse(int headerLength)
        {
            WebSocketFailure failure = HandshakeResponse.Check(new ReadOnlySpan<byte>(_receive, 0, headerLength),
                _accept, Subprotocol, out int status, out ReadOnlySpan<byte> detail);
            _handshakeStatus = status;
            if (failure != WebSocketFailure.None)
            {
                LogLine line = _log.Begin(LogLevel.Error, "websocket"u8);
                switch (failure)
                {
                    case WebSocketFailure.HandshakeRefused:
                        line = line.Append("handshake refused: HTTP "u8).Append(status);
                        if (!detail.IsEmpty) line = line.Append(" "u8).Append(detail);
                        break;
                    case WebSocketFailure.SubprotocolNotSelected:
                        line = line.Append("server did not select subprotocol "u8).Append(Subprotocol);
                        break;
                    case WebSocketFailure.SubprotocolMismatch:
                        line = _subprotocolLength == 0
                            ? line.Append("server selected subprotocol "u8).Append(detail).Append(", none was requested"u8)
                            : line.Append("server selected subprotocol "u8).Append(detail).Append(" instead of "u8).Append(Subprotocol);
                        break;
                    default:
                        line = line.Append("handshake failed: "u8).Append(WebSocketFailureText.Of(failure));
                        break;
                }
                line.End();
                Finish(failure);
                return;
            }
            _state = WebSocketState.Open;
            _rawStart = headerLength; // whatever followed the header is frames already
            _events |= WebSocketEvents.Opened;
            LogLine opened = _log.Begin(LogLevel.Info, "websocket"u8).Append("connected"u8);
            if (_subprotocolLength > 0) opened = opened.Append(", subprotocol "u8).Append(Subprotocol);
            opened.End();
        }

        private ReadOnlySpan<byte> Subprotocol => new ReadOnlySpan<byte>(_subprotocol, 0, _subprotocolLength);

        // ---- frames in ----------------------------------------------------------------------------

        private void ReadFrames()
        {
            while (!_messageReady && !_failing && !_closeReceived && _state != WebSocketState.Closed)
            {
                if (ParseFrame()) continue;
                if (_failing || !Fill()) return;
            }
        }

        // Moves the unparsed bytes down to the end of the message being reassembled, then receives
        // into the room after them. False when nothing arrived.
        private bool Fill()
        {
            if (_rawStart > _assembled)
            {
                int length = _rawEnd - _rawStart;
                if (length > 0)
                    new ReadOnlySpan<byte>(_receive, _rawStart, length).CopyTo(new Span<byte>(_receive, _assembled, length));
                _rawStart = _assembled;
                _rawEnd = _assembled + length;
            }
            if (_rawEnd == _receive.Length) return false;
            int read = _tcp.Receive(new Span<byte>(_receive, _rawEnd, _receive.Length - _rawEnd));
            if (read <= 0) return false;
            _rawEnd += read;
            return true;
        }

        // Handles one whole frame from the unparsed bytes: true when one was consumed.
        private bool ParseFrame()
        {
            ReadOnlySpan<byte> raw = new ReadOnlySpan<byte>(_receive, _rawStart, _rawEnd - _rawStart);
            FrameParseStatus status = FrameParser.ParseHeader(raw, out FrameHeader header, out FrameError error);
            if (status == FrameParseStatus.NeedMore) return false;
            if (status == FrameParseStatus.Malformed)
            {
                FailProtocol(error, raw[0] & 0x0F);
                return false;
            }
            bool collecting = _state == WebSocketState.Open && !_closeSent;
            if (!header.IsControl)
            {
                // RFC 6455 5.4: fragments of one message, in order, with only control frames between.
                if (header.Opcode == WebSocketOpcode.Continuation && !_inMessage)
                {
                    FailProtocol(FrameError.UnexpectedContinuation, 0);
                    return false;
                }
                if (header.Opcode != WebSocketOpcode.Continuation && _inMessage)
                {
                    FailProtocol(FrameError.UnfinishedMessage, (int)header.Opcode);
                    return false;
                }
                if (header.Opcode == WebSocketOpcode.Binary && collecting)
                {
                    // RFC 6455 7.4.1: 1003 for a type of data the endpoint cannot accept. OCPP-J is text.
                    _log.Begin(LogLevel.Error, "websocket"u8).Append("binary message received, only text is accepted, closing with 1003"u8).End();
                    Fail(WebSocketFailure.UnsupportedData, WebSocketCloseCode.UnsupportedData);
                    return false;
                }
                if (_assembled + header.PayloadLength > _maxMessageLength)
                {
                    LogLine line = _log.Begin(LogLevel.Error, "websocket"u8).Append("message of "u8);
                    if (_inMessage) line = line.Append("at least "u8);
                    line.Append(_assembled + header.PayloadLength).Append(" bytes is over the maximum of "u8)
                        .Append(_maxMessageLength).Append(", closing with 1009"u8).End();
                    Fail(WebSocketFailure.MessageTooBig, WebSocketCloseCode.MessageTooBig);
                    return false;
                }
            }
            int payloadLength = (int)header.PayloadLength; // bounded above, or at most 125 for a control frame
            if (raw.Length < header.HeaderLength + payloadLength) return false;
            int payloadStart = _rawStart + header.HeaderLength;
            _rawStart = payloadStart + payloadLength;
            ReadOnlySpan<byte> payload = new ReadOnlySpan<byte>(_receive, payloadStart, payloadLength);
            switch (header.Opcode)
            {
                case WebSocketOpcode.Ping: OnPing(payload); break;
                case WebSocketOpcode.Pong: OnPong(payload); break;
                case WebSocketOpcode.Close: OnClose(payload); break;
                default: OnData(header, payloadStart, payloadLength); break;
            }
            if (_rawStart == _rawEnd && !_messageReady)
            {
                // Everything parsed: start the unparsed area right after the fragments.
                _rawStart = _assembled;
                _rawEnd = _assembled;
            }
            return true;
        }

        private void OnData(FrameHeader header, int payloadStart, int payloadLength)
        {
            if (header.Fin && !_inMessage)
            {
                // A whole message in one frame (the usual case): it stays where it arrived.
                CompleteMessage(payloadStart, payloadLength);
                return;
            }
            // A fragment: appended to the ones before it (always a move down, or none).
            new ReadOnlySpan<byte>(_receive, payloadStart, payloadLength).CopyTo(new Span<byte>(_receive, _assembled, payloadLength));
            _assembled += payloadLength;
            _inMessage = !header.Fin;
            if (header.Fin) CompleteMessage(0, _assembled);
        }

        private void CompleteMessage(int start, int length)
        {
            _inMessage = false;
            if (_state != WebSocketState.Open || _closeSent)
            {
                // After our close frame, data is read and dropped (RFC 6455 5.5.1).
                _assembled = 0;
                return;
            }
            // RFC 6455 8.1: a text message must be valid UTF-8 as a whole (fragments may split characters).
            if (!Utf8Validator.IsValid(new ReadOnlySpan<byte>(_receive, start, length)))
            {
                _log.Begin(LogLevel.Error, "websocket"u8).Append("invalid UTF-8 in a text message, closing with 1007"u8).End();
                _assembled = 0;
                Fail(WebSocketFailure.InvalidUtf8, WebSocketCloseCode.InvalidPayload);
                return;
            }
            _messageStart = start;
            _messageLength = length;
            _messageReady = true;
            _messageTaken = false;
            _events |= WebSocketEvents.MessageReceived;
        }

        // The previous Poll's message is gone: its bytes become free again.
        private void ReleaseMessage()
        {
            _messageReady = false;
            _messageTaken = false;
            _assembled = 0;
        }

        // RFC 6455 5.5.2-5.5.3: a ping is answered with a pong carrying its payload; when there is no
        // room now, only the latest ping is answered, as soon as there is.
        private void OnPing(ReadOnlySpan<byte> payload)
        {
            if (_state != WebSocketState.Open || _closeSent) return;
            if (QueueControl(WebSocketOpcode.Pong, payload)) return;
            payload.CopyTo(_pong);
            _pongLength = payload.Length;
            _pongPending = true;
        }

        // Only the pong for our latest ping counts; unsolicited ones (a heartbeat, RFC 6455 5.5.3) are ignored.
        private void OnPong(ReadOnlySpan<byte> payload)
        {
            if (!_pingOutstanding || payload.Length != 4) return;
            Span<byte> expected = stackalloc byte[4];
            WriteSequence(_pingSequence, expected);
            if (!payload.SequenceEqual(expected)) return;
            _pingOutstanding = false;
            _lastPong = _now;
            _events |= WebSocketEvents.PongReceived;
        }

        // RFC 6455 5.5.1, 7.1.2-7.1.3.
        private void OnClose(ReadOnlySpan<byte> payload)
        {
            ushort code = WebSocketCloseCode.NoStatus;
            ReadOnlySpan<byte> reason = default;
            if (payload.Length == 1)
            {
                FailProtocol(FrameError.ClosePayloadTooShort, 0);
                return;
            }
            if (payload.Length >= 2)
            {
                code = (ushort)(payload[0] << 8 | payload[1]);
                if (!WebSocketCloseCode.IsAllowedOnTheWire(code))
                {
                    FailProtocol(FrameError.InvalidCloseCode, code);
                    return;
                }
                reason = payload.Slice(2);
                if (!Utf8Validator.IsValid(reason))
                {
                    _log.Begin(LogLevel.Error, "websocket"u8).Append("invalid UTF-8 in the close reason, closing with 1007"u8).End();
                    Fail(WebSocketFailure.InvalidUtf8, WebSocketCloseCode.InvalidPayload);
                    return;
                }
            }
            _closeReceived = true;
            _inMessage = false;
            _assembled = 0;
            if (_closeSent) return; // the answer to ours: the close handshake is complete
            _closeCode = code;
            SetCloseReason(reason);
            LogLine line = _log.Begin(LogLevel.Info, "websocket"u8).Append("server closed with "u8).Append(code);
            if (!reason.IsEmpty) line = line.Append(" "u8).Append(reason);
            line.End();
            // Echo the code (none when the server sent none).
            StartClose(code == WebSocketCloseCode.NoStatus ? (ushort)0 : code, CloseReason, _now);
        }

        // A frame that breaks the protocol: log what was wrong, close with 1002 (RFC 6455 7.4.1).
        private void FailProtocol(FrameError error, int value)
        {
            LogLine line = _log.Begin(LogLevel.Error, "websocket"u8).Append("protocol error: "u8).Append(FrameErrorText.Of(error));
            if (error == FrameError.ReservedOpcode || error == FrameError.InvalidCloseCode) line = line.Append(" "u8).Append(value);
            line.Append(", closing with 1002"u8).End();
            Fail(WebSocketFailure.ProtocolError, WebSocketCloseCode.ProtocolError);
        }

        // _Fail the WebSocket Connection_ (RFC 6455 7.1.7): a close frame with `code`, nothing more is
        // read, and TCP closes as soon as the frame is out (or the close timeout passes).
        private void Fail(WebSocketFailure failure, ushort code)
        {
            _failure = failure;
            _failing = true;
            _inMessage = false;
            _assembled = 0;
            _rawStart = _rawEnd = 0;
            if (_closeSent)
            {
                Finish(failure);
                return;
            }
            _closeCode = code;
            SetCloseReason(WebSocketFailureText.Of(failure));
            StartClose(code, CloseReason, _now);
        }

        // ---- frames out ---------------------------------------------------------------------------

        private int SendRoom => _send.Length - (_sendEnd - _sendStart);

        // Room for `length` bytes at the end of the send queue (the caller checked SendRoom).
        private Span<byte> ReserveSend(int length)
        {
            if (_sendEnd + length > _send.Length && _sendStart > 0)
            {
                int queued = _sendEnd - _sendStart;
                new ReadOnlySpan<byte>(_send, _sendStart, queued).CopyTo(new Span<byte>(_send, 0, queued));
                _sendStart = 0;
                _sendEnd = queued;
            }
            return new Span<byte>(_send, _sendEnd, length);
        }

        // A ping or pong, if it fits without eating the room kept for a close frame.
        private bool QueueControl(WebSocketOpcode opcode, ReadOnlySpan<byte> payload)
        {
            int length = FrameWriter.FrameLength(payload.Length);
            if (length > SendRoom - FrameWriter.MaxControlFrameLength) return false;
            _sendEnd += FrameWriter.Write(ReserveSend(length), opcode, true, payload, _random.NextUInt32());
            return true;
        }

        private void StartClose(ushort code, ReadOnlySpan<byte> reason, long now)
        {
            int length = FrameWriter.FrameLength(code == 0 ? 0 : 2 + reason.Length);
            if (length <= SendRoom)
                _sendEnd += FrameWriter.WriteClose(ReserveSend(length), code, reason, _random.NextUInt32());
            _pongPending = false;
            _closeSent = true;
            _state = WebSocketState.Closing;
            _closeDeadline = now + _closeTimeout;
        }

        // Hands TCP what it takes of the send queue, then a pong that waited for room.
        private void Flush()
        {
            bool moved = false, wasBlocked = _sendBlocked;
            while (true)
            {
                while (_sendEnd > _sendStart)
                {
                    int taken = _tcp.Send(new ReadOnlySpan<byte>(_send, _sendStart, _sendEnd - _sendStart));
                    if (taken < 0)
                    {
                        // Not connected any more (the peer closed or it failed): nothing will go out.
                        _sendStart = _sendEnd = 0;
                        _pongPending = false;
                        return;
                    }
                    if (taken == 0) break;
                    _sendStart += taken;
                    moved = true;
                }
                if (_sendStart == _sendEnd) _sendStart = _sendEnd = 0;
                if (!_pongPending || !QueueControl(WebSocketOpcode.Pong, new ReadOnlySpan<byte>(_pong, 0, _pongLength))) break;
                _pongPending = false;
            }
            _sendBlocked = _sendEnd > _sendStart;
            // Room came back after TCP had pushed back: a sender waiting on CanSend may go on.
            if (wasBlocked && moved && _state == WebSocketState.Open) _events |= WebSocketEvents.Writable;
        }

        // ---- the end ------------------------------------------------------------------------------

        // Closing: done when our close frame is out and either the handshake completed and the
        // server closed TCP (RFC 6455 7.1.1: the server closes first), or we are failing and the
        // peer has it all.
        private void CheckClosed()
        {
            if (_sendEnd > _sendStart) return;
            if (_failing && _tcp.Unacknowledged == 0) Finish(_failure);
        }

        private void OnPeerClosed()
        {
            switch (_state)
            {
                case WebSocketState.Connecting:
                case WebSocketState.Handshaking:
                    _log.Begin(LogLevel.Error, "websocket"u8).Append("server closed the connection during the handshake"u8).End();
                    Lost(WebSocketFailure.ConnectionLost);
                    break;
                case WebSocketState.Closing:
                    if (_closeReceived || _failing) Finish(_failure);
                    else
                    {
                        _log.Begin(LogLevel.Warning, "websocket"u8).Append("server closed TCP without answering the close"u8).End();
                        Lost(WebSocketFailure.ConnectionLost);
                    }
                    break;
                default:
                    _log.Begin(LogLevel.Error, "websocket"u8).Append("server closed TCP without a close frame"u8).End();
                    Lost(WebSocketFailure.ConnectionLost);
                    break;
            }
        }

        private void OnTcpFailed()
        {
            _tcpError = _tcp.LastError;
            bool connecting = _state == WebSocketState.Connecting;
            LogLine line = _log.Begin(LogLevel.Error, "websocket"u8);
            line = connecting ? line.Append("connect failed: "u8) : line.Append("connection failed: "u8);
            line.Append(TcpErrorText.Of(_tcpError)).End();
            if (connecting) Finish(WebSocketFailure.ConnectFailed);
            else if (_state == WebSocketState.Closing && (_closeReceived || _failing)) Finish(_failure);
            else Lost(WebSocketFailure.ConnectionError);
        }

        private void CheckDeadlines()
        {
            if (_state == WebSocketState.Connecting || _state == WebSocketState.Handshaking)
            {
                if (_now < _handshakeDeadline) return;
                _log.Begin(LogLevel.Error, "websocket"u8).Append("handshake timed out after "u8).Append(_handshakeTimeout).Append(" ms"u8).End();
                Finish(WebSocketFailure.HandshakeTimeout);
            }
            else if (_state == WebSocketState.Closing && _now >= _closeDeadline)
            {
                if (_closeReceived || _failing)
                {
                    Finish(_failure); // the server has not closed TCP: we do
                    return;
                }
                _log.Begin(LogLevel.Warning, "websocket"u8).Append("server did not answer the close within "u8)
                    .Append(_closeTimeout).Append(" ms"u8).End();
                Finish(WebSocketFailure.CloseTimeout);
            }
        }

        // Ended without a close handshake: 1006 (RFC 6455 7.1.5), the reason says what happened.
        private void Lost(WebSocketFailure failure)
        {
            _closeCode = WebSocketCloseCode.Abnormal;
            SetCloseReason(WebSocketFailureText.Of(failure));
            Finish(failure);
        }

        private void Finish(WebSocketFailure failure)
        {
            _tcp.Close();
            _failure = failure;
            _state = WebSocketState.Closed;
            _events |= WebSocketEvents.Closed;
            if (failure != WebSocketFailure.None) _events |= WebSocketEvents.Failed;
            _assembled = _rawStart = _rawEnd = 0;
            _sendStart = _sendEnd = 0;
            _inMessage = _messageReady = _pongPending = _pingOutstanding = _sendBlocked = false;
            _workPending = false;
        }

        private void ResetSession()
        {
            _failure = WebSocketFailure.None;
            _tcpError = TcpError.None;
            _closeCode = 0;
            _closeReasonLength = 0;
            _handshakeStatus = 0;
            _closeSent = _closeReceived = _failing = false;
            _assembled = _rawStart = _rawEnd = 0;
            _sendStart = _sendEnd = 0;
            _inMessage = _messageReady = _messageTaken = _pongPending = _pingOutstanding = _sendBlocked = false;
            _lastPing = _lastPong = -1;
            _events = WebSocketEvents.None;
        }

        // Kept whole-character: a reason cut at 123 bytes must stay UTF-8.
        private void SetCloseReason(ReadOnlySpan<byte> reason)
        {
            int length = Math.Min(reason.Length, MaxCloseReasonLength);
            if (length < reason.Length)
                while (length > 0 && (reason[length] & 0xC0) == 0x80) length--;
            reason.Slice(0, length).CopyTo(_closeReason);
            _closeReasonLength = length;
        }

        private static void WriteSequence(uint sequence, Span<byte> payload)
        {
            payload[0] = (byte)(sequence >> 24);
            payload[1] = (byte)(sequence >> 16);
            payload[2] = (byte)(sequence >> 8);
            payload[3] = (byte)sequence;
        }

        private long NowMilliseconds => _clock.UptimeMicroseconds / 1000;
    }
}
