using System;
using System.Collections.Generic;
using ChargePoint.Drivers;

namespace ChargePoint.Tests.Drivers
{
    // A register-level model of the STM32F76x Ethernet MAC and DMA (RM0410 rev 5 chapter 42), with a
    // LAN8742A on its MDIO bus and RAM that both the CPU and the DMA reach, behind IRegisterBus.
    // It is written from the manual, not from Stm32Eth: each register does what RM0410 says when
    // it is read or written, and the DMA walks descriptors as 42.6.7/42.6.8 describe. Where the
    // driver breaks a rule the manual states ("SR must read 0 before any register is programmed",
    // "DMARDLAR only while reception is stopped", "RBS1 a multiple of 4") the model throws, and
    // where it uses a feature the model leaves out (enhanced descriptors, hash filters, loopback)
    // it throws NotSupportedException rather than pretend.
    //
    // What the model adds to the manual, and why:
    // - Time is counted in reads: the software reset finishes after ResetDurationReads reads of
    //   DMABMR, an MDIO transaction after MdioBusyReads reads of MACMIIAR. The DMA acts at once
    //   when a register write or a frame on the wire gives it something to do.
    // - CPU stores to RAM reach the DMA only at MemoryBarrier (a worst-case write buffer: ARMv7-M
    //   lets normal-memory stores and the device store of a poll demand be observed out of order
    //   without a DMB). The CPU reads its own stores at once.
    // - The wire: PutOnWire delivers a frame (without FCS; the MAC's receiver adds the FCS it
    //   would have received) and TakeTransmitted returns what the MAC sent (padded, FCS left off).
    //   A MAC whose FES disagrees with the PHY's negotiated speed garbles both directions.
    // - Transmission needs MACCR.TE and a free wire: with WireBusy set the DMA keeps the frame
    //   (and its descriptor) until the wire frees up, as a slow link would.
    public sealed class FakeStm32EthBus : IRegisterBus
    {
        public const uint EthBase = 0x40028000; // RM0410 2.2.2: ETHERNET_MAC .. ETHERNET_DMA
        private const uint EthBytes = 0x1400;
        public const uint RamBase = 0x20020000; // SRAM1 (RM0410 2.2.2)
        public const int RamBytes = 128 * 1024;

        // Register offsets from EthBase (STM32F7x9.svd; MACRWUFFR at RM0410's 0x28).
        public const uint MACCR = 0x0000, MACFFR = 0x0004, MACHTHR = 0x0008, MACHTLR = 0x000C,
            MACMIIAR = 0x0010, MACMIIDR = 0x0014, MACFCR = 0x0018, MACVLANTR = 0x001C, MACRWUFFR = 0x0028,
            MACPMTCSR = 0x002C, MACDBGR = 0x0034, MACSR = 0x0038, MACIMR = 0x003C,
            MACA0HR = 0x0040, MACA0LR = 0x0044, MACA1HR = 0x0048, MACA1LR = 0x004C,
            MACA2HR = 0x0050, MACA2LR = 0x0054, MACA3HR = 0x0058, MACA3LR = 0x005C;
        public const uint MMCCR = 0x0100, MMCRIR = 0x0104, MMCTIR = 0x0108, MMCRIMR = 0x010C, MMCTIMR = 0x0110,
            MMCTGFSCCR = 0x014C, MMCTGFMSCCR = 0x0150, MMCTGFCR = 0x0168, MMCRFCECR = 0x0194, MMCRFAECR = 0x0198,
            MMCRGUFCR = 0x01C4;
        public const uint PTPTSCR = 0x0700;
        public const uint DMABMR = 0x1000, DMATPDR = 0x1004, DMARPDR = 0x1008, DMARDLAR = 0x100C, DMATDLAR = 0x1010,
            DMASR = 0x1014, DMAOMR = 0x1018, DMAIER = 0x101C, DMAMFBOCR = 0x1020, DMARSWTR = 0x1024,
            DMACHTDR = 0x1048, DMACHRDR = 0x104C, DMACHTBAR = 0x1050, DMACHRBAR = 0x1054;

        // ETH_MACCR
        public const uint MaccrRe = 1u << 2, MaccrTe = 1u << 3, MaccrApcs = 1u << 7, MaccrIpco = 1u << 10,
            MaccrDm = 1u << 11, MaccrLm = 1u << 12, MaccrFes = 1u << 14, MaccrCstf = 1u << 25;
        // ETH_MACFFR (RM0410: PM 0, HU 1, HM 2, DAIF 3, PAM 4, BFD 5, PCF 7:6, SAIF 8, SAF 9, HPF 10, RA 31)
        public const uint MacffrPm = 1u << 0, MacffrPam = 1u << 4, MacffrBfd = 1u << 5, MacffrRa = 1u << 31;
        private const uint MacffrUnmodelled = (1u << 1) | (1u << 2) | (1u << 3) | (1u << 8) | (1u << 9) | (1u << 10);
        // ETH_MACMIIAR
        public const uint MiiBusy = 1u << 0, MiiWrite = 1u << 1;
        // ETH_DMABMR
        public const uint DmabmrSr = 1u << 0, DmabmrEdfe = 1u << 7;
        private const int DmabmrDslShift = 2;
        // ETH_DMAOMR
        public const uint DmaomrSr = 1u << 1, DmaomrFugf = 1u << 6, DmaomrFef = 1u << 7, DmaomrSt = 1u << 13,
            DmaomrFtf = 1u << 20, DmaomrTsf = 1u << 21, DmaomrDfrf = 1u << 24, DmaomrRsf = 1u << 25;
        // ETH_DMASR / ETH_DMAIER
        public const uint Ts = 1u << 0, Tpss = 1u << 1, Tbus = 1u << 2, Tjts = 1u << 3, Ros = 1u << 4, Tus = 1u << 5,
            Rs = 1u << 6, Rbus = 1u << 7, Rpss = 1u << 8, Rwts = 1u << 9, Ets = 1u << 10, Fbes = 1u << 13,
            Ers = 1u << 14, Ais = 1u << 15, Nis = 1u << 16;
        private const uint NormalSources = Ts | Tbus | Rs | Ers;
        private const uint AbnormalSources = Tpss | Tjts | Ros | Tus | Rbus | Rpss | Rwts | Ets | Fbes;
        private const uint StatusWriteOneToClear = 0x0001FFFF;
        private const int RpsShift = 17, TpsShift = 20, EbsShift = 23;
        // ETH_MMCCR
        private const uint MmccrCounterReset = 1u << 0, MmccrResetOnRead = 1u << 2;

        // RPS / TPS process states (ETH_DMASR).
        public const int RxStopped = 0, RxRunning = 3, RxSuspended = 4;
        public const int TxStopped = 0, TxRunning = 1, TxSuspended = 6;

        // Descriptor bits (RM0410 42.6.7, 42.6.8).
        public const uint Own = 1u << 31;
        public const uint TdesIc = 1u << 30, TdesLs = 1u << 29, TdesFs = 1u << 28, TdesDc = 1u << 27, TdesDp = 1u << 26,
            TdesTer = 1u << 21, TdesTch = 1u << 20, TdesEs = 1u << 15;
        private const uint TdesControl = 0x7FF00000 & ~((1u << 24) | (1u << 19) | (1u << 18)); // bits 30:26, 23:20
        public const uint RdesAfm = 1u << 30, RdesEs = 1u << 15, RdesDe = 1u << 14, RdesFs = 1u << 9, RdesLs = 1u << 8,
            RdesFt = 1u << 5, RdesCe = 1u << 1;
        public const uint Rdes1Dic = 1u << 31, Rdes1Rer = 1u << 15, Rdes1Rch = 1u << 14;
        private const int FlShift = 16;

        private const int FifoBytes = 2048;  // RM0410 42.2: 2-Kbyte receive and transmit FIFOs
        private const int FifoSlots = 16;
        private const int WireSlots = 32;
        private const int FcsBytes = 4;
        private const int MinFrameBytes = 60; // without FCS

        private readonly uint[] _registers = new uint[EthBytes / 4];
        private readonly bool[] _implemented = new bool[EthBytes / 4];

        // RAM as the CPU sees it and as the DMA sees it; CPU stores not yet past a barrier.
        private readonly byte[] _cpuView = new byte[RamBytes];
        private readonly byte[] _dmaView = new byte[RamBytes];
        private readonly int[] _pendingStart = new int[64];
        private readonly int[] _pendingLength = new int[64];
        private int _pendingCount;
        private int _allocated;
        private bool _allocationSealed;

        // Software reset.
        private bool _resetting;
        private int _resetReadsLeft;

        // MDIO.
        private int _mdioReadsLeft;

        // DMA.
        private int _rxState, _txState;
        private uint _rxListBase, _txListBase, _rxCurrent, _txCurrent;
        private readonly byte[] _txFrame = new byte[FifoBytes];
        private int _txLength;
        private bool _txInFrame;
        private uint _txFirstControl;

        // RX FIFO: whole frames (FCS included) waiting for the DMA.
        private readonly byte[][] _fifo = new byte[FifoSlots][];
        private readonly int[] _fifoLength = new int[FifoSlots];
        private readonly bool[] _fifoCrcError = new bool[FifoSlots];
        private int _fifoHead, _fifoCount, _fifoUsedBytes;
        private readonly byte[] _incoming = new byte[FifoBytes + FcsBytes];

        // The wire, outbound.
        private readonly byte[][] _wire = new byte[WireSlots][];
        private readonly int[] _wireLength = new int[WireSlots];
        private int _wireHead, _wireCount;
        private bool _wireBusy;

        public FakeStm32EthBus(uint hclkHz = 216000000)
        {
            HclkHz = hclkHz;
            Phy = new FakeLan8742();
            for (int i = 0; i < FifoSlots; i++) _fifo[i] = new byte[FifoBytes];
            for (int i = 0; i < WireSlots; i++) _wire[i] = new byte[FifoBytes];
            foreach (uint offset in new uint[] {
                MACCR, MACFFR, MACHTHR, MACHTLR, MACMIIAR, MACMIIDR, MACFCR, MACVLANTR, MACRWUFFR, MACPMTCSR, MACDBGR,
                MACSR, MACIMR, MACA0HR, MACA0LR, MACA1HR, MACA1LR, MACA2HR, MACA2LR, MACA3HR, MACA3LR,
                MMCCR, MMCRIR, MMCTIR, MMCRIMR, MMCTIMR, MMCTGFSCCR, MMCTGFMSCCR, MMCTGFCR, MMCRFCECR, MMCRFAECR, MMCRGUFCR,
                0x700, 0x704, 0x708, 0x70C, 0x710, 0x714, 0x718, 0x71C, 0x720, 0x728, 0x72C,
                DMABMR, DMATPDR, DMARPDR, DMARDLAR, DMATDLAR, DMASR, DMAOMR, DMAIER, DMAMFBOCR, DMARSWTR,
                DMACHTDR, DMACHRDR, DMACHTBAR, DMACHRBAR })
                _implemented[offset / 4] = true;
            ResetRegisters();
            // The power-on reset has long finished when firmware runs: SR already reads 0.
            _registers[DMABMR / 4] &= ~DmabmrSr;
        }

        public uint HclkHz { get; }
        public FakeLan8742 Phy { get; }

        // Knobs.
        public bool ReferenceClockPresent { get; set; } = true; // without REF_CLK the reset never ends
        public int ResetDurationReads { get; set; } = 3;
        public int MdioBusyReads { get; set; } = 3;
        public bool MdioNeverFinishes { get; set; }
        public bool DmaReachesRam { get; set; } = true;         // false: every DMA access is a bus error

        // Observations.
        public int DmaBusModeReadsWhileResetting { get; private set; }
        public int SoftwareResets { get; private set; }
        public int MdioTransactions { get; private set; }
        public int ReceivePollDemands { get; private set; }
        public int TransmitPollDemands { get; private set; }
        public int MemoryBarriers { get; private set; }
        public int FramesSentIntoDeadLink { get; private set; }
        public int FramesGarbled { get; private set; }
        public int FramesFiltered { get; private set; }
        public int ReceiveState => _rxState;
        public int TransmitState => _txState;
        public int TransmittedWaiting => _wireCount;
        public List<(uint Offset, uint Value)> RegisterWrites { get; private set; }

        public void RecordRegisterWrites() => RegisterWrites = new List<(uint, uint)>();

        // The ETH interrupt line (RM0410 42.10): NIS with NISE or AIS with AISE.
        public bool InterruptPending
        {
            get
            {
                uint status = _registers[DMASR / 4], enable = _registers[DMAIER / 4];
                return ((status & Nis) != 0 && (enable & Nis) != 0) || ((status & Ais) != 0 && (enable & Ais) != 0);
            }
        }

        // A register's value without the side effects of a bus read.
        public uint Peek(uint offset) => offset == DMASR ? StatusValue() : _registers[offset / 4];

        // A RAM word as the DMA sees it.
        public uint PeekRam(uint address) => BitConverter.ToUInt32(_dmaView, RamIndex(address, 4));

        public bool WireBusy
        {
            get => _wireBusy;
            set
            {
                _wireBusy = value;
                if (!value) Dma(DmaStep.Transmit);
            }
        }

        // ---------------------------------------------------------------- IRegisterBus

        public uint Read32(uint address)
        {
            if (IsEth(address)) return ReadRegister(address - EthBase);
            if (address % 4 != 0) throw new InvalidOperationException($"unaligned RAM read at 0x{address:X8}");
            return BitConverter.ToUInt32(_cpuView, RamIndex(address, 4));
        }

        public void Write32(uint address, uint value)
        {
            if (IsEth(address))
            {
                WriteRegister(address - EthBase, value);
                return;
            }
            if (address % 4 != 0) throw new InvalidOperationException($"unaligned RAM write at 0x{address:X8}");
            int index = RamIndex(address, 4);
            BitConverter.TryWriteBytes(new Span<byte>(_cpuView, index, 4), value);
            Pending(index, 4);
        }

        public uint AllocateDma(int bytes, int alignment)
        {
            if (_allocationSealed) throw new InvalidOperationException("AllocateDma after the DMA started (boot only)");
            if (alignment <= 0 || (alignment & (alignment - 1)) != 0) throw new ArgumentException("alignment must be a power of two");
            int start = (_allocated + alignment - 1) & ~(alignment - 1);
            if (start + bytes > RamBytes) throw new InvalidOperationException("out of DMA RAM");
            _allocated = start + bytes;
            return RamBase + (uint)start;
        }

        public void CopyIn(uint address, ReadOnlySpan<byte> data)
        {
            int index = RamIndex(address, data.Length);
            data.CopyTo(new Span<byte>(_cpuView, index, data.Length));
            Pending(index, data.Length);
        }

        public void CopyOut(uint address, Span<byte> destination) =>
            new ReadOnlySpan<byte>(_cpuView, RamIndex(address, destination.Length), destination.Length).CopyTo(destination);

        public void MemoryBarrier()
        {
            MemoryBarriers++;
            for (int i = 0; i < _pendingCount; i++)
                Buffer.BlockCopy(_cpuView, _pendingStart[i], _dmaView, _pendingStart[i], _pendingLength[i]);
            _pendingCount = 0;
        }

        // ---------------------------------------------------------------- the wire

        // A frame arrives at the RMII receive pins (destination address first, no FCS).
        public void PutOnWire(ReadOnlySpan<byte> frame, bool crcError = false)
        {
            if (frame.Length + FcsBytes > FifoBytes) throw new NotSupportedException("frames beyond the 2048-byte receive watchdog are not modelled");
            if (!Phy.LinkUp) return;                                   // no link, nothing arrives
            uint maccr = _registers[MACCR / 4];
            if ((maccr & MaccrRe) == 0) return;                        // receiver off
            if (((maccr & MaccrFes) != 0) != Phy.Is100)
            {
                FramesGarbled++;
                crcError = true;                                       // wrong speed: garbage bits
            }

            frame.CopyTo(_incoming);
            uint fcs = Crc32(frame);
            if (crcError) fcs = ~fcs;
            BitConverter.TryWriteBytes(new Span<byte>(_incoming, frame.Length, FcsBytes), fcs);
            int length = frame.Length + FcsBytes;

            if (!PassesAddressFilter(frame))
            {
                FramesFiltered++;
                return;
            }
            if (crcError)
            {
                // RM0410 42.11.2: counted by the MMC; dropped in the FIFO unless FEF forwards it.
                _registers[MMCRFCECR / 4]++;
                if ((_registers[DMAOMR / 4] & DmaomrFef) == 0) return;
            }
            else if (length < MinFrameBytes + FcsBytes && (_registers[DMAOMR / 4] & DmaomrFugf) == 0)
            {
                AddMissedByApplication(); // ETH_DMAMFBOCR MFA counts runts too
                return;
            }

            // CRC stripping (ETH_MACCR CSTF for type frames, APCS for 802.3 length frames).
            int type = frame.Length >= 14 ? frame[12] << 8 | frame[13] : 0;
            if ((maccr & MaccrCstf) != 0 && type >= 0x0600) length -= FcsBytes;
            else if ((maccr & MaccrApcs) != 0 && type <= 1500) length = Math.Min(length, 14 + type);

            if (_fifoCount == FifoSlots || _fifoUsedBytes + length > FifoBytes)
            {
                AddMissedByApplication();
                SetStatus(Ros);
                return;
            }
            int slot = (_fifoHead + _fifoCount) % FifoSlots;
            Buffer.BlockCopy(_incoming, 0, _fifo[slot], 0, length);
            _fifoLength[slot] = length;
            _fifoCrcError[slot] = crcError;
            _fifoCount++;
            _fifoUsedBytes += length;
            Dma(DmaStep.NewFrame);
        }

        // The oldest frame the MAC sent (padded, no FCS) into `destination`; -1 when none.
        public int TakeTransmitted(Span<byte> destination)
        {
            if (_wireCount == 0) return -1;
            int length = _wireLength[_wireHead];
            new ReadOnlySpan<byte>(_wire[_wireHead], 0, length).CopyTo(destination);
            _wireHead = (_wireHead + 1) % WireSlots;
            _wireCount--;
            return length;
        }

        public byte[] TakeTransmitted()
        {
            var buffer = new byte[FifoBytes];
            int length = TakeTransmitted(buffer);
            return length < 0 ? null : buffer.AsSpan(0, length).ToArray();
        }

        // ---------------------------------------------------------------- registers

        private static bool IsEth(uint address) => address >= EthBase && address < EthBase + EthBytes;

        private void CheckImplemented(uint offset)
        {
            if (offset % 4 != 0 || !_implemented[offset / 4])
                throw new InvalidOperationException($"access to ETH offset 0x{offset:X4}: no register there (RM0410 42.11.5)");
        }

        private void ResetRegisters()
        {
            Array.Clear(_registers);
            _registers[MACCR / 4] = 0x00008000;
            _registers[MACA0HR / 4] = 0x0010FFFF;
            _registers[MACA0LR / 4] = 0xFFFFFFFF;
            _registers[MACA1HR / 4] = _registers[MACA2HR / 4] = _registers[MACA3HR / 4] = 0x0000FFFF;
            _registers[MACA1LR / 4] = _registers[MACA2LR / 4] = _registers[MACA3LR / 4] = 0xFFFFFFFF;
            _registers[PTPTSCR / 4] = 0x00002000;
            _registers[DMABMR / 4] = 0x00002101;
            _rxState = RxStopped;
            _txState = TxStopped;
            _rxListBase = _txListBase = _rxCurrent = _txCurrent = 0;
            _txInFrame = false;
            _fifoCount = _fifoUsedBytes = _fifoHead = 0;
            _mdioReadsLeft = 0;
        }

        private uint ReadRegister(uint offset)
        {
            CheckImplemented(offset);
            switch (offset)
            {
                case DMABMR:
                    if (_resetting)
                    {
                        DmaBusModeReadsWhileResetting++;
                        if (ReferenceClockPresent && _resetReadsLeft-- <= 0)
                        {
                            _resetting = false;
                            _registers[DMABMR / 4] &= ~DmabmrSr;
                        }
                    }
                    return _registers[DMABMR / 4];
                case MACMIIAR:
                    if ((_registers[MACMIIAR / 4] & MiiBusy) != 0 && !MdioNeverFinishes && _mdioReadsLeft-- <= 0) CompleteMdio();
                    return _registers[MACMIIAR / 4];
                case MACA0HR:
                    return _registers[MACA0HR / 4] | 0x80000000; // MO: always 1
                case DMASR:
                    return StatusValue();
                case DMAMFBOCR:
                {
                    uint value = _registers[DMAMFBOCR / 4];
                    _registers[DMAMFBOCR / 4] = 0; // rc_r
                    return value;
                }
                case MMCTGFSCCR: case MMCTGFMSCCR: case MMCTGFCR: case MMCRFCECR: case MMCRFAECR: case MMCRGUFCR:
                {
                    uint value = _registers[offset / 4];
                    if ((_registers[MMCCR / 4] & MmccrResetOnRead) != 0) _registers[offset / 4] = 0;
                    return value;
                }
                case DMACHRDR: return _rxCurrent;
                case DMACHTDR: return _txCurrent;
                default:
                    return _registers[offset / 4];
            }
        }

        private void WriteRegister(uint offset, uint value)
        {
            CheckImplemented(offset);
            RegisterWrites?.Add((offset, value));
            if (_resetting && offset != DMABMR)
                throw new InvalidOperationException($"ETH offset 0x{offset:X4} written while ETH_DMABMR.SR is set (RM0410: SR must read 0 before any register is programmed)");

            switch (offset)
            {
                case DMABMR:
                    if ((value & DmabmrSr) != 0)
                    {
                        SoftwareResets++;
                        ResetRegisters();
                        _resetting = true;
                        _resetReadsLeft = ResetDurationReads;
                        return;
                    }
                    if ((value & DmabmrEdfe) != 0) throw new NotSupportedException("enhanced descriptors (DMABMR.EDFE) are not modelled");
                    _registers[DMABMR / 4] = value;
                    return;
                case MACCR:
                    if ((value & (MaccrIpco | MaccrLm)) != 0) throw new NotSupportedException("IPv4 checksum offload (needs enhanced descriptors) and loopback are not modelled");
                    _registers[MACCR / 4] = value;
                    Dma(DmaStep.Transmit);
                    return;
                case MACFFR:
                    if ((value & MacffrUnmodelled) != 0) throw new NotSupportedException("hash, inverse and source address filtering are not modelled");
                    _registers[MACFFR / 4] = value;
                    return;
                case MACMIIAR:
                    // RM0410 42.4.1: writes to MACMIIAR and MACMIIDR while MB is set are ignored.
                    if ((_registers[MACMIIAR / 4] & MiiBusy) != 0) return;
                    _registers[MACMIIAR / 4] = value & 0xFFDF; // bit 5 reserved
                    if ((value & MiiBusy) != 0) _mdioReadsLeft = MdioBusyReads;
                    return;
                case MACMIIDR:
                    if ((_registers[MACMIIAR / 4] & MiiBusy) != 0) return;
                    _registers[MACMIIDR / 4] = value & 0xFFFF;
                    return;
                case MACA0HR:
                    _registers[MACA0HR / 4] = value & 0xFFFF;
                    return;
                case MACDBGR: case MACSR: case DMAMFBOCR: case DMACHTDR: case DMACHRDR: case DMACHTBAR: case DMACHRBAR:
                    return; // read-only
                case MMCCR:
                    if ((value & MmccrCounterReset) != 0)
                        foreach (uint counter in new[] { MMCTGFSCCR, MMCTGFMSCCR, MMCTGFCR, MMCRFCECR, MMCRFAECR, MMCRGUFCR })
                            _registers[counter / 4] = 0;
                    _registers[MMCCR / 4] = value & ~MmccrCounterReset;
                    return;
                case DMARDLAR:
                    if (_rxState != RxStopped) throw new InvalidOperationException("ETH_DMARDLAR written while reception runs (RM0410: only while stopped)");
                    _registers[DMARDLAR / 4] = value;
                    _rxListBase = _rxCurrent = value & ~3u; // LSBs ignored: word-aligned descriptors
                    return;
                case DMATDLAR:
                    if (_txState != TxStopped) throw new InvalidOperationException("ETH_DMATDLAR written while transmission runs (RM0410: only while stopped)");
                    _registers[DMATDLAR / 4] = value;
                    _txListBase = _txCurrent = value & ~3u;
                    return;
                case DMASR:
                    _registers[DMASR / 4] &= ~(value & StatusWriteOneToClear);
                    UpdateSummaries();
                    return;
                case DMAIER:
                    _registers[DMAIER / 4] = value & 0x0001E7FF;
                    UpdateSummaries();
                    return;
                case DMAOMR:
                    WriteOperationMode(value);
                    return;
                case DMARPDR:
                    ReceivePollDemands++;
                    Dma(DmaStep.ReceivePollDemand);
                    return;
                case DMATPDR:
                    TransmitPollDemands++;
                    Dma(DmaStep.TransmitPollDemand);
                    return;
                default:
                    _registers[offset / 4] = value;
                    return;
            }
        }

        private void WriteOperationMode(uint value)
        {
            uint old = _registers[DMAOMR / 4];
            _registers[DMAOMR / 4] = value & ~DmaomrFtf; // FTF: the flush of an idle FIFO is immediate
            if ((value & (DmaomrSr | DmaomrSt)) != 0) _allocationSealed = true;

            if ((value & DmaomrSt) != 0 && (old & DmaomrSt) == 0)
            {
                _txState = TxRunning;
                Dma(DmaStep.Transmit);
            }
            else if ((value & DmaomrSt) == 0) _txState = TxStopped;

            if ((value & DmaomrSr) != 0 && (old & DmaomrSr) == 0)
            {
                _rxState = RxRunning;
                Dma(DmaStep.StartReceive);
            }
            else if ((value & DmaomrSr) == 0) _rxState = RxStopped;
        }

        private uint StatusValue() =>
            _registers[DMASR / 4] | (uint)_rxState << RpsShift | (uint)_txState << TpsShift;

        private void SetStatus(uint bits)
        {
            _registers[DMASR / 4] |= bits;
            UpdateSummaries();
        }

        // NIS and AIS: the OR of the status bits whose interrupt is enabled; set, they stay until
        // written with 1 (RM0410 42.11.4 ETH_DMASR).
        private void UpdateSummaries()
        {
            uint status = _registers[DMASR / 4], enable = _registers[DMAIER / 4];
            if ((status & NormalSources & enable) != 0) status |= Nis;
            if ((status & AbnormalSources & enable) != 0) status |= Ais;
            _registers[DMASR / 4] = status;
        }

        private void AddMissedByApplication()
        {
            uint value = _registers[DMAMFBOCR / 4];
            uint missed = (value >> 17) & 0x7FF;
            if (missed == 0x7FF) value = (value & ~(0x7FFu << 17)) | (1u << 28); // OFOC
            else value = (value & ~(0x7FFu << 17)) | (missed + 1) << 17;
            _registers[DMAMFBOCR / 4] = value;
        }

        private void AddMissedByController()
        {
            uint value = _registers[DMAMFBOCR / 4];
            uint missed = value & 0xFFFF;
            if (missed == 0xFFFF) value = (value & ~0xFFFFu) | (1u << 16); // OMFC
            else value = (value & ~0xFFFFu) | (missed + 1);
            _registers[DMAMFBOCR / 4] = value;
        }

        // ---------------------------------------------------------------- MDIO

        private void CompleteMdio()
        {
            uint command = _registers[MACMIIAR / 4];
            int phyAddress = (int)(command >> 11) & 0x1F;
            int register = (int)(command >> 6) & 0x1F;
            bool write = (command & MiiWrite) != 0;
            uint clockRange = (command >> 2) & 7;
            // RM0410 42.11.1 CR: 0 /42, 1 /62, 2 /16, 3 /26, 4 /102, others reserved. An MDC above
            // 2.5 MHz (IEEE 802.3 22.2.2.11) or none at all: the PHY does not follow, MDIO floats high.
            uint divider = clockRange switch { 0 => 42u, 1 => 62u, 2 => 16u, 3 => 26u, 4 => 102u, _ => 0u };
            bool answered = divider != 0 && HclkHz / divider <= 2500000 && Phy.Present && phyAddress == Phy.Address;
            if (write)
            {
                if (answered) Phy.Write(register, (ushort)_registers[MACMIIDR / 4]);
            }
            else
            {
                _registers[MACMIIDR / 4] = answered ? Phy.Read(register) : 0xFFFFu;
            }
            _registers[MACMIIAR / 4] &= ~MiiBusy;
            MdioTransactions++;
        }

        // ---------------------------------------------------------------- address filter

        private bool PassesAddressFilter(ReadOnlySpan<byte> frame)
        {
            uint filter = _registers[MACFFR / 4];
            if ((filter & (MacffrPm | MacffrRa)) != 0) return true;
            ReadOnlySpan<byte> destination = frame.Slice(0, 6);
            bool broadcast = true;
            for (int i = 0; i < 6; i++) broadcast &= destination[i] == 0xFF;
            if (broadcast) return (filter & MacffrBfd) == 0;
            if ((destination[0] & 1) != 0) return (filter & MacffrPam) != 0;
            if (Matches(destination, MACA0HR, MACA0LR, always: true)) return true;
            return Matches(destination, MACA1HR, MACA1LR, false) || Matches(destination, MACA2HR, MACA2LR, false)
                || Matches(destination, MACA3HR, MACA3LR, false);
        }

        private bool Matches(ReadOnlySpan<byte> destination, uint high, uint low, bool always)
        {
            uint h = _registers[high / 4], l = _registers[low / 4];
            if (!always && (h & 0x80000000) == 0) return false; // AE
            for (int i = 0; i < 4; i++) if (destination[i] != (byte)(l >> (8 * i))) return false;
            return destination[4] == (byte)h && destination[5] == (byte)(h >> 8);
        }

        // ---------------------------------------------------------------- DMA engines

        private sealed class DmaBusError : Exception { }

        private enum DmaStep { StartReceive, NewFrame, ReceivePollDemand, Transmit, TransmitPollDemand }

        // Runs a DMA step; a bus error (memory the DMA cannot reach) is a fatal bus error: both
        // processes stop, FBES and EBS report it (RM0410 42.6.6, 42.11.4).
        private void Dma(DmaStep step)
        {
            try
            {
                switch (step)
                {
                    case DmaStep.StartReceive:
                        AcquireReceiveDescriptor();
                        RunReceive(newFrame: false, pollDemand: false);
                        break;
                    case DmaStep.NewFrame: RunReceive(newFrame: true, pollDemand: false); break;
                    case DmaStep.ReceivePollDemand: RunReceive(newFrame: false, pollDemand: true); break;
                    case DmaStep.Transmit: RunTransmit(false); break;
                    case DmaStep.TransmitPollDemand: RunTransmit(true); break;
                }
            }
            catch (DmaBusError)
            {
                _rxState = RxStopped;
                _txState = TxStopped;
                _registers[DMASR / 4] |= 4u << EbsShift; // error during descriptor access
                SetStatus(Fbes);
            }
        }

        private uint DmaRead32(uint address) => BitConverter.ToUInt32(_dmaView, DmaIndex(address, 4));

        private void DmaWrite32(uint address, uint value)
        {
            int index = DmaIndex(address, 4);
            BitConverter.TryWriteBytes(new Span<byte>(_dmaView, index, 4), value);
            BitConverter.TryWriteBytes(new Span<byte>(_cpuView, index, 4), value);
        }

        private void DmaWrite(uint address, byte[] data, int offset, int count)
        {
            if (count == 0) return;
            int index = DmaIndex(address, count);
            Buffer.BlockCopy(data, offset, _dmaView, index, count);
            Buffer.BlockCopy(data, offset, _cpuView, index, count);
        }

        private void DmaRead(uint address, byte[] destination, int offset, int count)
        {
            if (count == 0) return;
            if (offset + count > destination.Length) throw new NotSupportedException("transmit frame beyond the 2-Kbyte TX FIFO");
            Buffer.BlockCopy(_dmaView, DmaIndex(address, count), destination, offset, count);
        }

        private int DmaIndex(uint address, int count)
        {
            if (!DmaReachesRam || address < RamBase || address + (uint)count > RamBase + RamBytes) throw new DmaBusError();
            return (int)(address - RamBase);
        }

        private uint NextInRing(uint descriptor, uint listBase, bool endOfRing)
        {
            uint skip = ((_registers[DMABMR / 4] >> DmabmrDslShift) & 0x1F) * 4;
            return endOfRing ? listBase : descriptor + 16 + skip;
        }

        // RM0410 42.6.8: the receive DMA always holds the next descriptor; one the CPU owns sends
        // it to the suspended state with RBUS.
        private void AcquireReceiveDescriptor()
        {
            if ((DmaRead32(_rxCurrent) & Own) != 0) return;
            _rxState = RxSuspended;
            SetStatus(Rbus);
        }

        private void RunReceive(bool newFrame, bool pollDemand)
        {
            if (_rxState == RxStopped) return;
            if (_rxState == RxSuspended)
            {
                // RM0410 42.6.8 "Receive process suspended": a poll demand or a new frame makes the
                // DMA re-read the current descriptor. Still the CPU's: after a poll demand it stays
                // suspended (no RBUS); for a frame it drops what the FIFO holds, counting each in
                // MFC, unless DFRF keeps it (then RBUS is raised again).
                if (!newFrame && !pollDemand) return;
                if ((DmaRead32(_rxCurrent) & Own) == 0)
                {
                    if (!newFrame) return;
                    if ((_registers[DMAOMR / 4] & DmaomrDfrf) != 0)
                    {
                        SetStatus(Rbus);
                        return;
                    }
                    while (_fifoCount > 0)
                    {
                        DropFifoHead();
                        AddMissedByController();
                    }
                    return;
                }
                _rxState = RxRunning;
            }
            while (_rxState == RxRunning && _fifoCount > 0)
            {
                WriteReceivedFrame(_fifo[_fifoHead], _fifoLength[_fifoHead], _fifoCrcError[_fifoHead]);
                DropFifoHead();
            }
        }

        private void DropFifoHead()
        {
            _fifoUsedBytes -= _fifoLength[_fifoHead];
            _fifoHead = (_fifoHead + 1) % FifoSlots;
            _fifoCount--;
        }

        private void WriteReceivedFrame(byte[] data, int length, bool crcError)
        {
            uint descriptor = _rxCurrent;
            int done = 0;
            bool first = true;
            int type = data[12] << 8 | data[13];
            uint frameType = type >= 0x0600 ? RdesFt : 0;
            while (true)
            {
                uint control = DmaRead32(descriptor + 4);
                bool chained = (control & Rdes1Rch) != 0;
                int size1 = (int)(control & 0x1FFF);
                int size2 = chained ? 0 : (int)((control >> 16) & 0x1FFF);
                if (size1 % 4 != 0 || size2 % 4 != 0)
                    throw new InvalidOperationException("RDES1 buffer size not a multiple of 4: undefined (RM0410 42.6.8)");
                uint buffer1 = DmaRead32(descriptor + 8);
                uint word3 = DmaRead32(descriptor + 12);
                int part = Math.Min(size1, length - done);
                DmaWrite(buffer1, data, done, part);
                _registers[DMACHRBAR / 4] = buffer1;
                done += part;
                if (!chained)
                {
                    part = Math.Min(size2, length - done);
                    DmaWrite(word3, data, done, part);
                    done += part;
                }
                uint next = chained ? word3 : NextInRing(descriptor, _rxListBase, (control & Rdes1Rer) != 0);
                uint firstBit = first ? RdesFs : 0;

                if (done == length)
                {
                    uint errors = crcError ? RdesCe | RdesEs : 0;
                    DmaWrite32(descriptor, firstBit | RdesLs | (uint)length << FlShift | frameType | errors);
                    if ((control & Rdes1Dic) == 0) SetStatus(Rs);
                    _rxCurrent = next;
                    break;
                }
                if (size1 + size2 == 0) throw new InvalidOperationException("receive descriptor with no buffer (RM0410 42.6.8)");
                if ((DmaRead32(next) & Own) == 0)
                {
                    // The frame does not fit and the next descriptor is the CPU's: the rest is flushed
                    // and this descriptor closes as the last one, with DE (descriptor error).
                    if ((_registers[DMAOMR / 4] & DmaomrDfrf) != 0) throw new NotSupportedException("truncation with DFRF is not modelled");
                    DmaWrite32(descriptor, firstBit | RdesLs | RdesDe | RdesEs | (uint)done << FlShift | frameType);
                    if ((control & Rdes1Dic) == 0) SetStatus(Rs);
                    _rxCurrent = next;
                    break;
                }
                DmaWrite32(descriptor, firstBit); // an intermediate descriptor: no LS, FL not valid
                first = false;
                descriptor = next;
            }
            AcquireReceiveDescriptor();
        }

        // RM0410 42.6.7: every descriptor the DMA owns, in order, until one the CPU owns (TBUS,
        // suspended); a poll demand re-reads it. Closing a descriptor writes back its status with
        // the control bits and OWN cleared: the STM32 manuals' TDES0 text says the DMA "resets all
        // the control bits plus the OWN bit, and reports only the status bits" (quoted from
        // RM0008's identical chapter; Synopsys' own documentation of the core says the control
        // bits are kept). The stricter reading is modelled: a driver must set them every time.
        private void RunTransmit(bool pollDemand)
        {
            if (_txState == TxStopped) return;
            if (_txState == TxSuspended)
            {
                if (!pollDemand) return;
                _txState = TxRunning;
            }
            while (true)
            {
                if ((_registers[MACCR / 4] & MaccrTe) == 0 || _wireBusy) return; // waits, descriptor kept
                uint descriptor = _txCurrent;
                uint status = DmaRead32(descriptor);
                if ((status & Own) == 0)
                {
                    _txState = TxSuspended;
                    SetStatus(Tbus);
                    return;
                }
                uint sizes = DmaRead32(descriptor + 4);
                uint buffer1 = DmaRead32(descriptor + 8);
                uint word3 = DmaRead32(descriptor + 12);
                bool chained = (status & TdesTch) != 0;
                if ((status & TdesFs) != 0)
                {
                    _txLength = 0;
                    _txInFrame = true;
                    _txFirstControl = status;
                }
                else if (!_txInFrame)
                {
                    throw new InvalidOperationException("transmit descriptor without FS outside a frame (RM0410 42.6.7)");
                }
                int size1 = (int)(sizes & 0x1FFF);
                int size2 = chained ? 0 : (int)((sizes >> 16) & 0x1FFF);
                DmaRead(buffer1, _txFrame, _txLength, size1);
                _registers[DMACHTBAR / 4] = buffer1;
                _txLength += size1;
                if (!chained)
                {
                    DmaRead(word3, _txFrame, _txLength, size2);
                    _txLength += size2;
                }
                uint next = chained ? word3 : NextInRing(descriptor, _txListBase, (status & TdesTer) != 0);
                if ((status & TdesLs) != 0)
                {
                    Emit();
                    _txInFrame = false;
                    if ((status & TdesIc) != 0) SetStatus(Ts);
                }
                DmaWrite32(descriptor, status & ~(Own | TdesControl)); // status bits only
                _txCurrent = next;
            }
        }

        private void Emit()
        {
            int length = _txLength;
            if (length < MinFrameBytes && (_txFirstControl & TdesDp) == 0)
            {
                Array.Clear(_txFrame, length, MinFrameBytes - length);
                length = MinFrameBytes;
            }
            if (!Phy.LinkUp)
            {
                FramesSentIntoDeadLink++;
                return;
            }
            if (((_registers[MACCR / 4] & MaccrFes) != 0) != Phy.Is100)
            {
                FramesGarbled++;
                return;
            }
            if (_wireCount == WireSlots) throw new InvalidOperationException("the test left too many frames on the wire");
            int slot = (_wireHead + _wireCount) % WireSlots;
            Buffer.BlockCopy(_txFrame, 0, _wire[slot], 0, length);
            _wireLength[slot] = length;
            _wireCount++;
        }

        // ---------------------------------------------------------------- helpers

        private int RamIndex(uint address, int count)
        {
            if (address < RamBase || count < 0 || address + (uint)count > RamBase + RamBytes)
                throw new InvalidOperationException($"CPU access to 0x{address:X8} (+{count}): neither an ETH register nor DMA RAM");
            return (int)(address - RamBase);
        }

        private void Pending(int index, int length)
        {
            if (_pendingCount == _pendingStart.Length) MemoryBarrier(); // a full write buffer drains
            _pendingStart[_pendingCount] = index;
            _pendingLength[_pendingCount] = length;
            _pendingCount++;
        }

        // IEEE 802.3 FCS: CRC-32, reflected, sent least significant byte first.
        public static uint Crc32(ReadOnlySpan<byte> data)
        {
            uint crc = 0xFFFFFFFF;
            for (int i = 0; i < data.Length; i++)
            {
                crc ^= data[i];
                for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
            return ~crc;
        }

        // A LAN8742A (datasheet DS00001989A): IEEE 802.3 clause 22 registers 0-5, its PHY
        // identifier and the special control/status register 31, a cable and a link partner.
        // Time is counted in register reads, as for the MAC.
        public sealed class FakeLan8742
        {
            private const ushort BcrReset = 1 << 15, BcrSpeed100 = 1 << 13, BcrAutoNegotiation = 1 << 12,
                BcrRestart = 1 << 9, BcrFullDuplex = 1 << 8;
            private const ushort BcrDefault = BcrSpeed100 | BcrAutoNegotiation; // MODE straps 111: all capable, AN on
            private const ushort AnarDefault = 0x01E1;
            private const ushort BsrAbilities = 0x7809; // 100TX FD/HD, 10T FD/HD, AN ability, extended registers
            private const ushort BsrAutoNegotiationComplete = 1 << 5, BsrLink = 1 << 2;

            private readonly ushort[] _other = new ushort[32];
            private ushort _bcr = BcrDefault;
            private ushort _anar = AnarDefault;
            private bool _resetting;
            private int _resetReadsLeft;
            private bool _negotiating;
            private bool _negotiated;
            private int _negotiationReadsLeft;
            private ushort _result; // the common mode, as an ANAR bit; 0: none
            private bool _lastLinkUp;
            private bool _linkLatchedLow;

            public FakeLan8742()
            {
                StartNegotiation(); // after power-on, with AN enabled by the straps
            }

            public int Address { get; set; }                      // PHYAD strap
            public bool Present { get; set; } = true;
            public ushort Identifier2 { get; set; } = 0xC131;
            public int ResetDurationReads { get; set; } = 2;     // BCR reads with bit 15 still set
            public bool ResetNeverFinishes { get; set; }
            public int AutoNegotiationReads { get; set; }        // BSR reads until negotiation completes
            public ushort PartnerAbilities { get; set; } = AnarDefault;
            public bool CablePlugged { get; private set; } = true;

            public int SoftResets { get; private set; }
            public int AutoNegotiationStarts { get; private set; }
            public ushort Advertisement => _anar;
            public ushort Control => _bcr;

            public bool LinkUp
            {
                get
                {
                    if (!CablePlugged || _resetting) return false;
                    if ((_bcr & BcrAutoNegotiation) == 0) return true;
                    return _negotiated && _result != 0;
                }
            }

            public bool Is100 => (_bcr & BcrAutoNegotiation) == 0 ? (_bcr & BcrSpeed100) != 0 : (_result & 0x0180) != 0;
            public bool IsFullDuplex => (_bcr & BcrAutoNegotiation) == 0 ? (_bcr & BcrFullDuplex) != 0 : (_result & 0x0140) != 0;

            public void UnplugCable()
            {
                CablePlugged = false;
                _negotiated = false;
                _negotiating = false;
                UpdateLink();
            }

            public void PlugCable()
            {
                CablePlugged = true;
                if ((_bcr & BcrAutoNegotiation) != 0) StartNegotiation();
                UpdateLink();
            }

            public ushort Read(int register)
            {
                switch (register)
                {
                    case 0:
                        if (_resetting && !ResetNeverFinishes && _resetReadsLeft-- <= 0) FinishReset();
                        return _bcr;
                    case 1:
                    {
                        UpdateLink();
                        if (_negotiating && _negotiationReadsLeft-- <= 0) FinishNegotiation();
                        UpdateLink();
                        ushort value = BsrAbilities;
                        if (_negotiated) value |= BsrAutoNegotiationComplete;
                        if (LinkUp && !_linkLatchedLow) value |= BsrLink;
                        _linkLatchedLow = false; // the read clears the latch
                        return value;
                    }
                    case 2: return 0x0007;
                    case 3: return Identifier2;
                    case 4: return _anar;
                    case 5: return _negotiated ? (ushort)(PartnerAbilities | 0x4000) : (ushort)0; // with ACK
                    case 31:
                    {
                        // Speed indication, bits 4:2: 001 10BASE-T half, 101 full, 010 100BASE-TX half, 110 full.
                        ushort speed = (ushort)((Is100 ? 2 : 1) | (IsFullDuplex ? 4 : 0));
                        if ((_bcr & BcrAutoNegotiation) != 0 && !(_negotiated && _result != 0)) speed = 0;
                        return (ushort)((_negotiated ? 1 << 12 : 0) | speed << 2);
                    }
                    default: return _other[register];
                }
            }

            public void Write(int register, ushort value)
            {
                switch (register)
                {
                    case 0:
                        if ((value & BcrReset) != 0)
                        {
                            // Soft reset: registers back to their strap defaults, the link drops.
                            SoftResets++;
                            _bcr = BcrDefault | BcrReset;
                            _anar = AnarDefault;
                            _resetting = true;
                            _resetReadsLeft = ResetDurationReads;
                            _negotiated = _negotiating = false;
                            UpdateLink();
                            return;
                        }
                        _bcr = (ushort)(value & ~BcrRestart);
                        if ((value & BcrAutoNegotiation) != 0 && (value & BcrRestart) != 0) StartNegotiation();
                        UpdateLink();
                        return;
                    case 4:
                        _anar = value;
                        return;
                    case 1: case 2: case 3: case 5: case 31:
                        return; // read-only here
                    default:
                        _other[register] = value;
                        return;
                }
            }

            private void FinishReset()
            {
                _resetting = false;
                _bcr = BcrDefault;
                StartNegotiation();
            }

            private void StartNegotiation()
            {
                AutoNegotiationStarts++;
                _negotiated = false;
                _negotiating = CablePlugged;
                _negotiationReadsLeft = AutoNegotiationReads;
                UpdateLink();
            }

            // IEEE 802.3 28B.3: the best mode both ends advertise.
            private void FinishNegotiation()
            {
                _negotiating = false;
                _negotiated = true;
                ushort common = (ushort)(_anar & PartnerAbilities);
                _result = 0;
                // 100BASE-TX full, 100BASE-TX half, 10BASE-T full, 10BASE-T half.
                for (ushort mode = 0x0100; mode >= 0x0020; mode >>= 1)
                    if ((common & mode) != 0)
                    {
                        _result = mode;
                        break;
                    }
            }

            private void UpdateLink()
            {
                bool up = LinkUp;
                if (_lastLinkUp && !up) _linkLatchedLow = true;
                _lastLinkUp = up;
            }
        }
    }
}
