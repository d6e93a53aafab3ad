using System;
using System.Collections.Generic;
using ChargePoint.Drivers;

namespace ChargePoint.Tests.Drivers
{
    // A register-level model of the STM32F769's USB OTG_HS core (a DWC2) in device mode with
    // internal DMA, its RCC clock gates, RAM the DMA reaches, and a USB host on the other end of
    // the wire, behind IRegisterBus. It is written from RM0410 (chapter 41) and the SVD, not from
    // DwcOtgHs: each register does what the manual says when it is read or written, and where the
    // driver breaks a rule the manual states (an OTG register touched with its clock off, CSRST
    // while the AHB master is busy, EPENA on an IN endpoint that is already enabled, EPDIS on an
    // OUT endpoint without the global OUT NAK in effect, a FIFO outside the 4 KiB RAM, a DMA
    // address that is not word aligned) the model throws. A register the model does not know
    // throws NotSupportedException, so a wrong offset shows up at once.
    //
    // What the model adds to the manual, and why:
    // - Time is counted in reads: CSRST clears after ResetReads reads of GRSTCTL (never without
    //   the ULPI clock: UlpiClockPresent false, or OTGHSULPIEN off), a FIFO flush after FlushReads,
    //   and CMOD follows FDMOD after ModeSwitchReads reads of GINTSTS.
    // - The host side is a set of calls: BusReset, EnumerationDone, Suspend, Resume, Setup, Out,
    //   In. They do at once what the core would do on the wire, DMA included. The host can only
    //   reach the device while DCTL SDIS is 0.
    // - A SETUP in buffer DMA mode is written where DOEPDMA0 points (DOEPDMA0 advances by 8),
    //   STUPCNT counts down, and, as the core of revision 3.00a and later does, the endpoint is
    //   closed with XFRC + STPKTRX (SetupClosesEndpoint) before STUP. A SETUP that arrives while
    //   EP0 OUT is not enabled waits in the RX FIFO until it is.
    // - Buffers the tests hand to the driver come from NewBuffer (pinned .NET arrays): the driver
    //   takes their element address as the DMA address, and the model maps its low 32 bits back to
    //   the array. Anything else a DMA address points at is a bus error (throws).
    public sealed class FakeDwcOtgHsBus : IRegisterBus
    {
        public const uint OtgBase = 0x40040000;
        private const uint OtgBytes = 0x1000;
        public const uint RccAhb1Rstr = 0x40023810;
        public const uint RccAhb1Enr = 0x40023830;
        public const uint RamBase = 0x20020000; // SRAM1 (RM0410 2.2.2)
        public const int RamBytes = 64 * 1024;

        // Offsets from OtgBase (STM32F7x9.svd; DIEPTXF3 at 0x10C and DOEPDMAx from RM0410).
        public const uint GOTGCTL = 0x000, GOTGINT = 0x004, GAHBCFG = 0x008, GUSBCFG = 0x00C, GRSTCTL = 0x010,
            GINTSTS = 0x014, GINTMSK = 0x018, GRXFSIZ = 0x024, DIEPTXF0 = 0x028, GCCFG = 0x038, CID = 0x03C,
            DIEPTXF1 = 0x104, DIEPTXF2 = 0x108, DIEPTXF3 = 0x10C;
        public const uint DCFG = 0x800, DCTL = 0x804, DSTS = 0x808, DIEPMSK = 0x810, DOEPMSK = 0x814,
            DAINT = 0x818, DAINTMSK = 0x81C, PCGCCTL = 0xE00;
        public static uint DIEPCTL(int n) => 0x900 + (uint)n * 0x20;
        public static uint DIEPINT(int n) => 0x908 + (uint)n * 0x20;
        public static uint DIEPTSIZ(int n) => 0x910 + (uint)n * 0x20;
        public static uint DIEPDMA(int n) => 0x914 + (uint)n * 0x20;
        public static uint DOEPCTL(int n) => 0xB00 + (uint)n * 0x20;
        public static uint DOEPINT(int n) => 0xB08 + (uint)n * 0x20;
        public static uint DOEPTSIZ(int n) => 0xB10 + (uint)n * 0x20;
        public static uint DOEPDMA(int n) => 0xB14 + (uint)n * 0x20;

        // RCC
        public const uint OtgHsEnable = 1u << 29, OtgHsUlpiEnable = 1u << 30, OtgHsReset = 1u << 29;
        // GOTGCTL
        public const uint Bvaloen = 1u << 6, Bvaloval = 1u << 7;
        // GAHBCFG
        public const uint Gint = 1u << 0, Dmaen = 1u << 5;
        public const int HbstlenShift = 1;
        // GUSBCFG
        public const uint Physel = 1u << 6, Ulpifsls = 1u << 17, Ulpievbusd = 1u << 20, Ulpievbusi = 1u << 21,
            Tsdps = 1u << 22, Fhmod = 1u << 29, Fdmod = 1u << 30;
        public const int TrdtShift = 10;
        // GRSTCTL
        public const uint Csrst = 1u << 0, Rxfflsh = 1u << 4, Txfflsh = 1u << 5, Ahbidl = 1u << 31;
        public const int TxfnumShift = 6;
        // GINTSTS / GINTMSK
        public const uint Cmod = 1u << 0, Ginakeff = 1u << 6, Boutnakeff = 1u << 7, Esusp = 1u << 10, Usbsusp = 1u << 11,
            Usbrst = 1u << 12, Enumdne = 1u << 13, Iepint = 1u << 18, Oepint = 1u << 19, Wkuint = 1u << 31;
        private const uint GintstsWriteOneToClear = (1u << 1) | (1u << 3) | (1u << 10) | (1u << 11) | (1u << 12) | (1u << 13)
            | (1u << 14) | (1u << 15) | (1u << 20) | (1u << 21) | (1u << 22) | (1u << 23) | (1u << 28) | (1u << 29)
            | (1u << 30) | (1u << 31);
        // GCCFG
        public const uint Pwrdwn = 1u << 16, Vbden = 1u << 21;
        // DCFG
        public const uint DspdMask = 3u;
        public const int DadShift = 4;
        // DCTL
        public const uint Rwusig = 1u << 0, Sdis = 1u << 1, Ginsts = 1u << 2, Gonsts = 1u << 3, Sginak = 1u << 7,
            Cginak = 1u << 8, Sgonak = 1u << 9, Cgonak = 1u << 10;
        // DIEPCTLx / DOEPCTLx
        public const uint MpsizMask = 0x7FF, Usbaep = 1u << 15, Dpid = 1u << 16, Naksts = 1u << 17, Stall = 1u << 21,
            Cnak = 1u << 26, Snak = 1u << 27, Sd0pid = 1u << 28, Soddfrm = 1u << 29, Epdis = 1u << 30, Epena = 1u << 31;
        public const int EptypShift = 18, TxfnumCtlShift = 22;
        // DIEPINTx / DOEPINTx
        public const uint Xfrc = 1u << 0, Epdisd = 1u << 1, Stup = 1u << 3, Inepne = 1u << 6, Stsphsrx = 1u << 5,
            Stpktrx = 1u << 15;
        // DxEPTSIZx
        public const int PktcntShift = 19, StupcntShift = 29;
        public const uint XfrsizMask = 0x7FFFF;

        public const int FifoRamWords = 1024;
        private const int Endpoints = 4;

        public enum Handshake { None, Ack, Nak, Stall, Data }

        private readonly uint[] _regs = new uint[OtgBytes / 4];
        private readonly bool[] _known = new bool[OtgBytes / 4];
        private readonly string[] _names = new string[OtgBytes / 4];
        private uint _ahb1enr, _ahb1rstr;

        private readonly byte[] _ram = new byte[RamBytes];
        private int _allocated;
        private readonly List<byte[]> _buffers = new List<byte[]>();
        private readonly List<uint> _bufferAddresses = new List<uint>();

        private bool _resetting;
        private int _resetReadsLeft;
        private int _txFlushReadsLeft, _rxFlushReadsLeft;
        private int _modeReadsLeft;
        private bool _deviceMode; // what CMOD shows (false: host, the ID pin's default in this model)
        private bool _globalInNak, _globalOutNak;

        // Endpoint state the registers show in NAKSTS/EPENA/DPID.
        private readonly bool[] _inEnabled = new bool[Endpoints], _outEnabled = new bool[Endpoints];
        private readonly bool[] _inNak = new bool[Endpoints], _outNak = new bool[Endpoints];
        private readonly int[] _inToggle = new int[Endpoints], _outToggle = new int[Endpoints];
        private bool _setupWaiting;
        private ulong _waitingSetup;
        private uint _enumeratedSpeed = 1; // DSTS ENUMSPD

        public FakeDwcOtgHsBus()
        {
            Name(GOTGCTL, "GOTGCTL"); Name(GOTGINT, "GOTGINT"); Name(GAHBCFG, "GAHBCFG"); Name(GUSBCFG, "GUSBCFG");
            Name(GRSTCTL, "GRSTCTL"); Name(GINTSTS, "GINTSTS"); Name(GINTMSK, "GINTMSK"); Name(GRXFSIZ, "GRXFSIZ");
            Name(DIEPTXF0, "DIEPTXF0"); Name(GCCFG, "GCCFG"); Name(CID, "CID"); Name(DIEPTXF1, "DIEPTXF1");
            Name(DIEPTXF2, "DIEPTXF2"); Name(DIEPTXF3, "DIEPTXF3"); Name(DCFG, "DCFG"); Name(DCTL, "DCTL");
            Name(DSTS, "DSTS"); Name(DIEPMSK, "DIEPMSK"); Name(DOEPMSK, "DOEPMSK"); Name(DAINT, "DAINT");
            Name(DAINTMSK, "DAINTMSK"); Name(PCGCCTL, "PCGCCTL");
            for (int n = 0; n < Endpoints; n++)
            {
                Name(DIEPCTL(n), "DIEPCTL" + n); Name(DIEPINT(n), "DIEPINT" + n); Name(DIEPTSIZ(n), "DIEPTSIZ" + n);
                Name(DIEPDMA(n), "DIEPDMA" + n); Name(DOEPCTL(n), "DOEPCTL" + n); Name(DOEPINT(n), "DOEPINT" + n);
                Name(DOEPTSIZ(n), "DOEPTSIZ" + n); Name(DOEPDMA(n), "DOEPDMA" + n);
            }
            ResetRegisters();
        }

        private void Name(uint offset, string name)
        {
            _known[offset / 4] = true;
            _names[offset / 4] = name;
        }

        // Knobs.
        public bool UlpiClockPresent { get; set; } = true;
        public bool AhbNeverIdle { get; set; }
        public bool ModeNeverSwitches { get; set; }
        public bool SetupClosesEndpoint { get; set; } = true;
        public int ResetReads { get; set; } = 3;
        public int FlushReads { get; set; } = 2;
        public int ModeSwitchReads { get; set; } = 3;

        // Observations.
        public int CoreResets { get; private set; }
        public int MemoryBarriers { get; private set; }
        public List<uint> TxFlushes { get; } = new List<uint>(); // TXFNUM of every TX FIFO flush
        public int RxFlushes { get; private set; }
        public List<(string What, uint Value)> Log { get; private set; }

        // Every register write from now on (by name), and the moments the core finished something.
        public void RecordWrites() => Log = new List<(string, uint)>();

        public bool ClocksOn => (_ahb1enr & OtgHsEnable) != 0 && (_ahb1rstr & OtgHsReset) == 0;
        // The pull-up on D+: device mode, soft connect.
        public bool Connected => ClocksOn && _deviceMode && (_regs[DCTL / 4] & Sdis) == 0;

        // The OTG_HS interrupt line (RM0410 41 "OTG_FS/OTG_HS interrupts"): GINT and a pending,
        // unmasked GINTSTS source.
        public bool InterruptPending => ClocksOn && (_regs[GAHBCFG / 4] & Gint) != 0 && (StatusValue() & _regs[GINTMSK / 4]) != 0;

        // A register's value without the side effects of a bus read.
        public uint Peek(uint offset)
        {
            switch (offset)
            {
                case GINTSTS: return StatusValue();
                case GRSTCTL: return ResetControlValue();
                case DCTL: return DeviceControlValue();
                case DAINT: return EndpointSummary();
                case DSTS: return (_regs[DSTS / 4] & ~6u) | (_enumeratedSpeed << 1);
                default:
                    for (int n = 0; n < Endpoints; n++)
                    {
                        if (offset == DIEPCTL(n)) return InControlValue(n);
                        if (offset == DOEPCTL(n)) return OutControlValue(n);
                    }
                    return _regs[offset / 4];
            }
        }

        public int DataToggle(int endpoint, bool isIn) => isIn ? _inToggle[endpoint] : _outToggle[endpoint];

        // --- IRegisterBus ---

        public uint Read32(uint address)
        {
            if (address == RccAhb1Enr) return _ahb1enr;
            if (address == RccAhb1Rstr) return _ahb1rstr;
            if (address - OtgBase < OtgBytes) return ReadRegister(Offset(address));
            Resolve(address, 4, out byte[] memory, out int index);
            return BitConverter.ToUInt32(memory, index);
        }

        public void Write32(uint address, uint value)
        {
            if (address == RccAhb1Enr)
            {
                Note("RCC_AHB1ENR", value);
                _ahb1enr = value;
                return;
            }
            if (address == RccAhb1Rstr)
            {
                Note("RCC_AHB1RSTR", value);
                bool released = (_ahb1rstr & OtgHsReset) != 0 && (value & OtgHsReset) == 0;
                _ahb1rstr = value;
                if (released) ResetRegisters();
                return;
            }
            if (address - OtgBase < OtgBytes)
            {
                uint offset = Offset(address);
                Note(_names[offset / 4], value);
                WriteRegister(offset, value);
                return;
            }
            Resolve(address, 4, out byte[] memory, out int index);
            BitConverter.TryWriteBytes(new Span<byte>(memory, index, 4), value);
        }

        public uint AllocateDma(int bytes, int alignment)
        {
            int start = (_allocated + alignment - 1) & ~(alignment - 1);
            if (start + bytes > RamBytes) throw new InvalidOperationException("fake RAM exhausted");
            _allocated = start + bytes;
            return RamBase + (uint)start;
        }

        public void CopyIn(uint address, ReadOnlySpan<byte> data)
        {
            Resolve(address, data.Length, out byte[] memory, out int index);
            data.CopyTo(new Span<byte>(memory, index, data.Length));
        }

        public void CopyOut(uint address, Span<byte> destination)
        {
            Resolve(address, destination.Length, out byte[] memory, out int index);
            new ReadOnlySpan<byte>(memory, index, destination.Length).CopyTo(destination);
        }

        public void MemoryBarrier() => MemoryBarriers++;

        // --- buffers the DMA may use ---

        public byte[] NewBuffer(int length)
        {
            byte[] buffer = GC.AllocateArray<byte>(length, pinned: true);
            _buffers.Add(buffer);
            _bufferAddresses.Add(AddressOf(buffer, 0));
            return buffer;
        }

        // The 32-bit bus address the driver computes for buffer[offset].
        public static unsafe uint AddressOf(byte[] buffer, int offset)
        {
            fixed (byte* start = buffer) return (uint)(start + offset);
        }

        public uint PeekRam(uint address) => Read32(address);

        private void Resolve(uint address, int length, out byte[] memory, out int index)
        {
            for (int i = 0; i < _buffers.Count; i++)
            {
                uint delta = address - _bufferAddresses[i];
                if (delta <= (uint)_buffers[i].Length && (uint)length <= (uint)_buffers[i].Length - delta)
                {
                    memory = _buffers[i];
                    index = (int)delta;
                    return;
                }
            }
            uint ram = address - RamBase;
            if (ram < RamBytes && (uint)length <= RamBytes - ram)
            {
                memory = _ram;
                index = (int)ram;
                return;
            }
            throw new InvalidOperationException($"bus error: 0x{address:X8} ({length} bytes) is neither a register, DMA RAM nor a test buffer");
        }

        // --- the host ---

        // USB 2.0 7.1.7.5: SE0 long enough for a reset.
        public void BusReset()
        {
            RequireConnected();
            Set(GINTSTS, Usbrst);
        }

        // The reset's speed handshake is over: high speed when both sides can (DCFG DSPD 00).
        public void EnumerationDone(bool hostWantsHighSpeed)
        {
            RequireConnected();
            bool high = hostWantsHighSpeed && (_regs[DCFG / 4] & DspdMask) == 0;
            _enumeratedSpeed = high ? 0u : 1u;
            Set(GINTSTS, Enumdne);
        }

        public void Suspend() { RequireConnected(); Set(GINTSTS, Esusp | Usbsusp); }
        public void Resume() { RequireConnected(); Set(GINTSTS, Wkuint); }

        // A SETUP transaction on EP0: always ACKed by the device (USB 2.0 8.5.3).
        public Handshake Setup(ulong packet)
        {
            RequireConnected();
            if (!_outEnabled[0])
            {
                _setupWaiting = true;
                _waitingSetup = packet;
                return Handshake.Ack;
            }
            DeliverSetup(packet);
            return Handshake.Ack;
        }

        private void DeliverSetup(ulong packet)
        {
            uint size = _regs[DOEPTSIZ(0) / 4];
            uint setups = size >> StupcntShift & 3;
            if (setups == 0) throw new InvalidOperationException("SETUP with DOEPTSIZ0 STUPCNT 0: the driver did not arm EP0 for SETUPs");
            uint address = _regs[DOEPDMA(0) / 4];
            RequireAligned(address, "DOEPDMA0");
            Span<byte> bytes = stackalloc byte[8];
            BitConverter.TryWriteBytes(bytes, packet);
            DmaWrite(address, bytes);
            _regs[DOEPDMA(0) / 4] = address + 8;
            _regs[DOEPTSIZ(0) / 4] = (size & ~(3u << StupcntShift)) | ((setups - 1) << StupcntShift);
            uint flags = Stup;
            if (SetupClosesEndpoint)
            {
                flags |= Xfrc | Stpktrx;
                _outEnabled[0] = false;
            }
            _regs[DOEPINT(0) / 4] |= flags;
            // The core clears an EP0 STALL on SETUP and NAKs both directions until told otherwise;
            // the data stage starts with DATA1.
            _regs[DIEPCTL(0) / 4] &= ~Stall;
            _regs[DOEPCTL(0) / 4] &= ~Stall;
            _inNak[0] = _outNak[0] = true;
            _inToggle[0] = _outToggle[0] = 1;
        }

        // An OUT transaction: the device's handshake. Data goes where DOEPDMA points.
        public Handshake Out(int endpoint, ReadOnlySpan<byte> data)
        {
            RequireConnected();
            uint control = _regs[DOEPCTL(endpoint) / 4];
            if (endpoint != 0 && (control & Usbaep) == 0) return Handshake.None;
            if ((control & Stall) != 0) return Handshake.Stall;
            if (_outNak[endpoint] || !_outEnabled[endpoint] || _globalOutNak) return Handshake.Nak;
            int maxPacket = MaxPacket(endpoint, false);
            if (data.Length > maxPacket) throw new InvalidOperationException("babble: OUT packet longer than MPSIZ");
            uint size = _regs[DOEPTSIZ(endpoint) / 4];
            uint remaining = size & (endpoint == 0 ? 0x7Fu : XfrsizMask);
            uint packets = size >> PktcntShift & (endpoint == 0 ? 1u : 0x3FFu);
            if (packets == 0 || remaining < data.Length)
                throw new InvalidOperationException($"OUT packet of {data.Length} bytes into DOEPTSIZ{endpoint} 0x{size:X8}");
            uint address = _regs[DOEPDMA(endpoint) / 4];
            RequireAligned(address, "DOEPDMA");
            DmaWrite(address, data);
            _regs[DOEPDMA(endpoint) / 4] = address + (uint)((data.Length + 3) & ~3);
            remaining -= (uint)data.Length;
            packets--;
            _regs[DOEPTSIZ(endpoint) / 4] = (size & (3u << StupcntShift)) | (packets << PktcntShift) | remaining;
            _outToggle[endpoint] ^= 1;
            if (packets == 0 || data.Length < maxPacket)
            {
                _outEnabled[endpoint] = false;
                _regs[DOEPINT(endpoint) / 4] |= Xfrc;
            }
            return Handshake.Ack;
        }

        // An IN transaction: Data with `length` bytes copied into `into`, or the handshake.
        public Handshake In(int endpoint, Span<byte> into, out int length)
        {
            RequireConnected();
            length = 0;
            uint control = _regs[DIEPCTL(endpoint) / 4];
            if (endpoint != 0 && (control & Usbaep) == 0) return Handshake.None;
            if ((control & Stall) != 0) return Handshake.Stall;
            if (_inNak[endpoint] || !_inEnabled[endpoint]) return Handshake.Nak;
            int maxPacket = MaxPacket(endpoint, true);
            uint size = _regs[DIEPTSIZ(endpoint) / 4];
            uint remaining = size & (endpoint == 0 ? 0x7Fu : XfrsizMask);
            uint packets = size >> PktcntShift & (endpoint == 0 ? 3u : 0x3FFu);
            if (packets == 0) throw new InvalidOperationException($"IN endpoint {endpoint} enabled with PKTCNT 0");
            int packet = (int)Math.Min(remaining, (uint)maxPacket);
            if (packets == 1 && remaining > maxPacket)
                throw new InvalidOperationException($"DIEPTSIZ{endpoint}: {remaining} bytes left for the last packet");
            uint address = _regs[DIEPDMA(endpoint) / 4];
            RequireAligned(address, "DIEPDMA");
            if (packet > 0) DmaRead(address, into.Slice(0, packet));
            length = packet;
            _regs[DIEPDMA(endpoint) / 4] = address + (uint)packet;
            remaining -= (uint)packet;
            packets--;
            _regs[DIEPTSIZ(endpoint) / 4] = (size & ~((0x3FFu << PktcntShift) | XfrsizMask)) | (packets << PktcntShift) | remaining;
            _inToggle[endpoint] ^= 1;
            if (packets == 0)
            {
                if (remaining != 0) throw new InvalidOperationException("PKTCNT ran out before XFRSIZ");
                _inEnabled[endpoint] = false;
                _regs[DIEPINT(endpoint) / 4] |= Xfrc;
            }
            return Handshake.Data;
        }

        private int MaxPacket(int endpoint, bool isIn)
        {
            if (endpoint == 0)
            {
                uint code = _regs[DIEPCTL(0) / 4] & 3; // DIEPCTL0 MPSIZ: 00 64, 01 32, 10 16, 11 8
                return 64 >> (int)code;
            }
            return (int)((isIn ? _regs[DIEPCTL(endpoint) / 4] : _regs[DOEPCTL(endpoint) / 4]) & MpsizMask);
        }

        private void RequireConnected()
        {
            if (!Connected) throw new InvalidOperationException("the host cannot reach the device: clocks off or DCTL SDIS set");
        }

        private static void RequireAligned(uint address, string register)
        {
            if ((address & 3) != 0) throw new InvalidOperationException($"{register} 0x{address:X8} is not word aligned");
        }

        private void DmaWrite(uint address, ReadOnlySpan<byte> data)
        {
            if ((_regs[GAHBCFG / 4] & Dmaen) == 0) throw new NotSupportedException("the model only does internal DMA mode");
            if (data.Length == 0) return;
            Resolve(address, data.Length, out byte[] memory, out int index);
            data.CopyTo(new Span<byte>(memory, index, data.Length));
        }

        private void DmaRead(uint address, Span<byte> data)
        {
            if ((_regs[GAHBCFG / 4] & Dmaen) == 0) throw new NotSupportedException("the model only does internal DMA mode");
            Resolve(address, data.Length, out byte[] memory, out int index);
            new ReadOnlySpan<byte>(memory, index, data.Length).CopyTo(data);
        }

        // --- registers ---

        private uint Offset(uint address)
        {
            if (!ClocksOn) throw new InvalidOperationException($"OTG_HS register 0x{address:X8} accessed with its clock off or in reset");
            uint offset = address - OtgBase;
            if ((offset & 3) != 0 || !_known[offset / 4])
                throw new NotSupportedException($"OTG_HS register at offset 0x{offset:X3} is not modelled");
            return offset;
        }

        private void Note(string what, uint value) => Log?.Add((what, value));

        private void ResetRegisters()
        {
            Array.Clear(_regs);
            _regs[GUSBCFG / 4] = 0x00000A00;
            _regs[GINTSTS / 4] = 0x04000020;
            _regs[GRXFSIZ / 4] = 0x200;
            _regs[DIEPTXF0 / 4] = 0x200;
            _regs[DIEPTXF1 / 4] = _regs[DIEPTXF2 / 4] = _regs[DIEPTXF3 / 4] = 0x02000400;
            _regs[CID / 4] = 0x00001200;
            _regs[DCFG / 4] = 0x02200000;
            _regs[DSTS / 4] = 0x10;
            _regs[DOEPCTL(0) / 4] = Usbaep;
            _resetting = false;
            _deviceMode = false;
            _globalInNak = _globalOutNak = false;
            Array.Clear(_inEnabled); Array.Clear(_outEnabled); Array.Clear(_inNak); Array.Clear(_outNak);
            Array.Clear(_inToggle); Array.Clear(_outToggle);
            _setupWaiting = false;
        }

        private uint ReadRegister(uint offset)
        {
            switch (offset)
            {
                case GRSTCTL:
                {
                    uint value = ResetControlValue();
                    if (_resetting && UlpiClockPresent && (_ahb1enr & OtgHsUlpiEnable) != 0 && --_resetReadsLeft <= 0)
                    {
                        _resetting = false;
                        CoreResets++;
                        Note("(core soft reset done)", 0);
                        // CSRST: interrupts cleared, FIFOs flushed, state machines idle.
                        _regs[GINTSTS / 4] &= ~GintstsWriteOneToClear;
                        for (int n = 0; n < Endpoints; n++) { _regs[DIEPINT(n) / 4] = 0; _regs[DOEPINT(n) / 4] = 0; }
                    }
                    if (_txFlushReadsLeft > 0) _txFlushReadsLeft--;
                    if (_rxFlushReadsLeft > 0) _rxFlushReadsLeft--;
                    return value;
                }
                case GINTSTS:
                {
                    uint value = StatusValue();
                    if (_modeReadsLeft > 0 && --_modeReadsLeft == 0) _deviceMode = true;
                    return value;
                }
                default:
                    return Peek(offset);
            }
        }

        private uint ResetControlValue()
        {
            uint value = _regs[GRSTCTL / 4] & (0x1Fu << TxfnumShift);
            if (!AhbNeverIdle) value |= Ahbidl;
            if (_resetting) value |= Csrst;
            if (_txFlushReadsLeft > 0) value |= Txfflsh;
            if (_rxFlushReadsLeft > 0) value |= Rxfflsh;
            return value;
        }

        private uint StatusValue()
        {
            uint value = _regs[GINTSTS / 4] & ~(Cmod | Ginakeff | Boutnakeff | Iepint | Oepint);
            if (!_deviceMode) value |= Cmod;
            if (_globalInNak) value |= Ginakeff;
            if (_globalOutNak) value |= Boutnakeff;
            uint summary = EndpointSummary() & _regs[DAINTMSK / 4];
            if ((summary & 0xFFFF) != 0) value |= Iepint;
            if ((summary >> 16) != 0) value |= Oepint;
            return value;
        }

        private uint EndpointSummary()
        {
            uint summary = 0;
            for (int n = 0; n < Endpoints; n++)
            {
                if ((_regs[DIEPINT(n) / 4] & _regs[DIEPMSK / 4]) != 0) summary |= 1u << n;
                // STPKTRX has no mask bit; it raises the interrupt with XFRC.
                if ((_regs[DOEPINT(n) / 4] & _regs[DOEPMSK / 4]) != 0) summary |= 1u << (16 + n);
            }
            return summary;
        }

        private uint DeviceControlValue()
        {
            uint value = _regs[DCTL / 4] & (Rwusig | Sdis | (7u << 4) | (1u << 11));
            if (_globalInNak) value |= Ginsts;
            if (_globalOutNak) value |= Gonsts;
            return value;
        }

        private uint InControlValue(int n)
        {
            uint value = _regs[DIEPCTL(n) / 4];
            if (_inNak[n]) value |= Naksts;
            if (_inEnabled[n]) value |= Epena;
            if (_inToggle[n] != 0) value |= Dpid;
            return value;
        }

        private uint OutControlValue(int n)
        {
            uint value = _regs[DOEPCTL(n) / 4];
            if (n == 0) value = (value & ~3u) | (_regs[DIEPCTL(0) / 4] & 3u) | Usbaep; // MPSIZ follows DIEPCTL0
            if (_outNak[n]) value |= Naksts;
            if (_outEnabled[n]) value |= Epena;
            if (_outToggle[n] != 0) value |= Dpid;
            return value;
        }

        private void Set(uint offset, uint bits) => _regs[offset / 4] |= bits;

        private void WriteRegister(uint offset, uint value)
        {
            switch (offset)
            {
                case GRSTCTL:
                    if ((value & Csrst) != 0)
                    {
                        if (AhbNeverIdle) throw new InvalidOperationException("CSRST written while GRSTCTL AHBIDL is 0");
                        _resetting = true;
                        _resetReadsLeft = ResetReads;
                    }
                    if ((value & Txfflsh) != 0)
                    {
                        TxFlushes.Add(value >> TxfnumShift & 0x1F);
                        _txFlushReadsLeft = FlushReads;
                    }
                    if ((value & Rxfflsh) != 0)
                    {
                        RxFlushes++;
                        _rxFlushReadsLeft = FlushReads;
                    }
                    _regs[GRSTCTL / 4] = value & (0x1Fu << TxfnumShift);
                    return;
                case GINTSTS:
                    _regs[GINTSTS / 4] &= ~(value & GintstsWriteOneToClear);
                    return;
                case GUSBCFG:
                    if ((value & Fdmod) != 0 && (_regs[GUSBCFG / 4] & Fdmod) == 0 && !ModeNeverSwitches) _modeReadsLeft = ModeSwitchReads;
                    _regs[GUSBCFG / 4] = value;
                    return;
                case GRXFSIZ:
                    if ((value & 0xFFFF) < 16 || (value & 0xFFFF) > FifoRamWords) throw new InvalidOperationException($"GRXFSIZ {value}");
                    _regs[offset / 4] = value & 0xFFFF;
                    return;
                case DIEPTXF0:
                case DIEPTXF1:
                case DIEPTXF2:
                case DIEPTXF3:
                {
                    uint start = value & 0xFFFF, depth = value >> 16;
                    if (depth < 16 || start + depth > FifoRamWords)
                        throw new InvalidOperationException($"{_names[offset / 4]}: start {start}, depth {depth} outside the 1024-word FIFO RAM");
                    _regs[offset / 4] = value;
                    return;
                }
                case DCTL:
                    if ((value & Sginak) != 0) _globalInNak = true;
                    if ((value & Cginak) != 0) _globalInNak = false;
                    if ((value & Sgonak) != 0) _globalOutNak = true;
                    if ((value & Cgonak) != 0) _globalOutNak = false;
                    _regs[DCTL / 4] = value & (Rwusig | Sdis | (7u << 4) | (1u << 11));
                    return;
                case DSTS:
                case DAINT:
                case CID:
                    return; // read-only
                default:
                    for (int n = 0; n < Endpoints; n++)
                    {
                        if (offset == DIEPCTL(n)) { WriteInControl(n, value); return; }
                        if (offset == DOEPCTL(n)) { WriteOutControl(n, value); return; }
                        if (offset == DIEPINT(n) || offset == DOEPINT(n)) { _regs[offset / 4] &= ~value; return; }
                    }
                    _regs[offset / 4] = value;
                    return;
            }
        }

        private const uint ControlStored = MpsizMask | Usbaep | (3u << EptypShift) | Stall | (0xFu << TxfnumCtlShift) | (1u << 20);

        private void WriteInControl(int n, uint value)
        {
            uint stored = value & ControlStored;
            if (n == 0) stored &= ~(MpsizMask & ~3u);
            _regs[DIEPCTL(n) / 4] = stored;
            if ((value & Snak) != 0) { _inNak[n] = true; _regs[DIEPINT(n) / 4] |= Inepne; }
            if ((value & Cnak) != 0) _inNak[n] = false;
            if ((value & Sd0pid) != 0 && n != 0) _inToggle[n] = 0;
            if ((value & Epdis) != 0 && _inEnabled[n])
            {
                if (!_inNak[n]) throw new InvalidOperationException($"EPDIS on IN endpoint {n} before its NAK took effect");
                _inEnabled[n] = false;
                _regs[DIEPINT(n) / 4] |= Epdisd;
            }
            if ((value & Epena) != 0)
            {
                if (_inEnabled[n]) throw new InvalidOperationException($"EPENA on IN endpoint {n}, which is already enabled");
                if (n != 0 && (stored & Usbaep) == 0) throw new InvalidOperationException($"EPENA on inactive IN endpoint {n}");
                if (n != 0 && (stored >> TxfnumCtlShift & 0xF) != n) throw new InvalidOperationException($"IN endpoint {n} on TX FIFO {stored >> TxfnumCtlShift & 0xF}");
                uint size = _regs[DIEPTSIZ(n) / 4];
                if (n == 0 && ((size & ~((3u << PktcntShift) | 0x7Fu)) != 0))
                    throw new InvalidOperationException($"DIEPTSIZ0 0x{size:X8} beyond its 7-bit XFRSIZ and 2-bit PKTCNT");
                RequireAligned(_regs[DIEPDMA(n) / 4], "DIEPDMA");
                _inEnabled[n] = true;
            }
        }

        private void WriteOutControl(int n, uint value)
        {
            uint stored = value & ControlStored;
            if (n == 0) stored = (stored & (Stall | (1u << 20))) | Usbaep; // the rest of DOEPCTL0 is read-only
            _regs[DOEPCTL(n) / 4] = stored;
            if ((value & Snak) != 0) _outNak[n] = true;
            if ((value & Cnak) != 0) _outNak[n] = false;
            if ((value & Sd0pid) != 0 && n != 0) _outToggle[n] = 0;
            if ((value & Epdis) != 0)
            {
                if (n == 0) throw new InvalidOperationException("EPDIS on EP0 OUT, which software cannot disable");
                if (_outEnabled[n])
                {
                    if (!_globalOutNak) throw new InvalidOperationException($"EPDIS on OUT endpoint {n} without the global OUT NAK in effect");
                    _outEnabled[n] = false;
                    _regs[DOEPINT(n) / 4] |= Epdisd;
                }
            }
            if ((value & Epena) != 0)
            {
                if (n != 0 && _outEnabled[n]) throw new InvalidOperationException($"EPENA on OUT endpoint {n}, which is already enabled");
                if (n != 0 && (stored & Usbaep) == 0) throw new InvalidOperationException($"EPENA on inactive OUT endpoint {n}");
                RequireAligned(_regs[DOEPDMA(n) / 4], "DOEPDMA");
                _outEnabled[n] = true;
                if (n == 0 && _setupWaiting)
                {
                    _setupWaiting = false;
                    DeliverSetup(_waitingSetup);
                }
            }
        }
    }
}
