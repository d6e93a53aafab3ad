using System;
using System.Runtime.CompilerServices;
using ChargePoint.Core.Scheduling;

namespace ChargePoint.Drivers
{
    // The STM32F76x/77x Ethernet MAC and its DMA (RM0410 rev 5, chapter 42 "Ethernet (ETH): media
    // access control (MAC) with DMA controller"), RMII to a LAN8742A. Addresses and bit positions
    // from ST's register map (STM32F7x9.svd, groups ETHERNET_MAC/_MMC/_DMA), behaviour from RM0410.
    //
    // The DMA works on two chained lists (TCH/RCH) of normal 16-byte descriptors in RAM that both it
    // and the CPU reach, one 1536-byte buffer each, all allocated at Start through IRegisterBus.
    // The DMA owns a descriptor while its OWN bit is set; the CPU writes every other field first,
    // then a barrier, then OWN, then a barrier, then the poll demand. Received frames stay in the
    // DMA's buffers until Receive copies them out: the interrupt handler only acknowledges and
    // signals the task. Every register and descriptor access goes through IRegisterBus, so the
    // host tests run this code against a register-level model of the peripheral.
    //
    // Not used: enhanced descriptors (needed for IPv4 checksum offload and PTP time stamps,
    // RM0410 42.6.7), CRC stripping (the 4-byte FCS stays in the buffer and is left out of the
    // length), flow control, hash filters.
    public sealed class Stm32Eth : INetworkLink
    {
        public const uint MacBase = 0x40028000; // RM0410 2.2.2 memory map: Ethernet MAC
        private const uint MmcBase = 0x40028100;
        private const uint DmaBase = 0x40029000;

        private const uint MacConfiguration = MacBase + 0x00; // RM0410 42.11.1 ETH_MACCR
        private const uint MacFrameFilter = MacBase + 0x04;   // RM0410 42.11.1 ETH_MACFFR
        private const uint MacInterruptMask = MacBase + 0x3C; // RM0410 42.11.1 ETH_MACIMR
        private const uint MacAddress0High = MacBase + 0x40;  // RM0410 42.11.1 ETH_MACA0HR
        private const uint MacAddress0Low = MacBase + 0x44;   // RM0410 42.11.1 ETH_MACA0LR

        private const uint MmcControl = MmcBase + 0x00;               // RM0410 42.11.2 ETH_MMCCR
        private const uint MmcReceiveInterruptMask = MmcBase + 0x0C;  // RM0410 42.11.2 ETH_MMCRIMR
        private const uint MmcTransmitInterruptMask = MmcBase + 0x10; // RM0410 42.11.2 ETH_MMCTIMR
        private const uint MmcCrcErrorFrames = MmcBase + 0x94;        // RM0410 42.11.2 ETH_MMCRFCECR
        private const uint MmcAlignmentErrorFrames = MmcBase + 0x98;  // RM0410 42.11.2 ETH_MMCRFAECR

        private const uint DmaBusMode = DmaBase + 0x00;             // RM0410 42.11.4 ETH_DMABMR
        private const uint DmaTransmitPollDemand = DmaBase + 0x04;  // RM0410 42.11.4 ETH_DMATPDR
        private const uint DmaReceivePollDemand = DmaBase + 0x08;   // RM0410 42.11.4 ETH_DMARPDR
        private const uint DmaReceiveList = DmaBase + 0x0C;         // RM0410 42.11.4 ETH_DMARDLAR
        private const uint DmaTransmitList = DmaBase + 0x10;        // RM0410 42.11.4 ETH_DMATDLAR
        private const uint DmaStatus = DmaBase + 0x14;              // RM0410 42.11.4 ETH_DMASR
        private const uint DmaOperationMode = DmaBase + 0x18;       // RM0410 42.11.4 ETH_DMAOMR
        private const uint DmaInterruptEnable = DmaBase + 0x1C;     // RM0410 42.11.4 ETH_DMAIER
        private const uint DmaMissedFrames = DmaBase + 0x20;        // RM0410 42.11.4 ETH_DMAMFBOCR

        // ETH_MACCR
        private const uint MacReceiverEnable = 1u << 2;    // RE
        private const uint MacTransmitterEnable = 1u << 3; // TE
        private const uint MacFullDuplex = 1u << 11;       // DM
        private const uint MacFastEthernet = 1u << 14;     // FES: 100 Mbit/s
        private const uint MacReservedOne = 1u << 15;      // reserved, reset value 1: kept

        // ETH_MACFFR: perfect filtering on MACA0 for unicast, broadcast passes (BFD clear).
        private const uint FilterPassAllMulticast = 1u << 4; // PAM

        // ETH_MACIMR: no PMT or time stamp trigger interrupts.
        private const uint MacMaskPowerManagement = 1u << 3;  // PMTIM
        private const uint MacMaskTimeStampTrigger = 1u << 9; // TSTIM

        // ETH_MMCCR / ETH_MMCRIMR / ETH_MMCTIMR: counters read as "since the last read"; their
        // half-full interrupts are masked (they would otherwise raise the ETH interrupt, MMCS).
        private const uint MmcResetOnRead = 1u << 2;      // ROR
        private const uint MmcMaskReceive = (1u << 5) | (1u << 6) | (1u << 17); // RFCEM, RFAEM, RGUFM
        // TGFSCM, TGFMSCM, TGFM. RM0410 puts TGFM at bit 21; STM32F7x9.svd v1.5 says bit 16, which
        // is reserved in the manual (ST's CMSIS header agrees with the manual).
        private const uint MmcMaskTransmit = (1u << 14) | (1u << 15) | (1u << 21);

        // ETH_DMABMR
        private const uint BusModeSoftwareReset = 1u << 0;   // SR: resets MAC and DMA, self-clearing
        private const int BusModeBurstShift = 8;             // PBL, bits 13:8
        private const int BusModeReceiveBurstShift = 17;     // RDP, bits 22:17
        private const uint BusModeFixedBurst = 1u << 16;     // FB
        private const uint BusModeSeparateBurst = 1u << 23;  // USP: RDP for RX, PBL for TX
        private const uint BusModeAddressAligned = 1u << 25; // AAB
        private const uint Burst32 = 32;
        // Normal descriptors (EDFE clear), no skip between ring entries (DSL 0: unused in chain
        // mode), round-robin RX:TX 1:1, 32-beat bursts aligned to the address.
        private const uint BusModeValue = BusModeAddressAligned | BusModeSeparateBurst | BusModeFixedBurst
            | (Burst32 << BusModeReceiveBurstShift) | (Burst32 << BusModeBurstShift);

        // ETH_DMAOMR: store-and-forward both ways (whole frames, checked before they move).
        private const uint OperationStartReceive = 1u << 1;       // SR
        private const uint OperationStartTransmit = 1u << 13;     // ST
        private const uint OperationTransmitStoreForward = 1u << 21; // TSF
        private const uint OperationReceiveStoreForward = 1u << 25;  // RSF

        // ETH_DMASR (and the same bit in ETH_DMAIER). Bits 16:0 are write-1-to-clear.
        private const uint StatusReceive = 1u << 6;                 // RS / RIE
        private const uint StatusReceiveOverflow = 1u << 4;         // ROS / ROIE
        private const uint StatusReceiveBufferUnavailable = 1u << 7; // RBUS / RBUIE
        private const uint StatusFatalBusError = 1u << 13;          // FBES / FBEIE
        private const uint StatusAbnormalSummary = 1u << 15;        // AIS / AISE
        private const uint StatusNormalSummary = 1u << 16;          // NIS / NISE
        private const uint StatusClearable = 0x0001FFFF;
        private const int StatusReceiveStateShift = 17;             // RPS, bits 19:17
        private const uint StatusReceiveStateMask = 7;
        private const uint ReceiveStateSuspended = 4;               // 100: receive descriptor unavailable
        private const uint InterruptsEnabled = StatusNormalSummary | StatusReceive
            | StatusAbnormalSummary | StatusReceiveBufferUnavailable | StatusReceiveOverflow | StatusFatalBusError;

        // ETH_DMAMFBOCR, cleared by the read.
        private const uint MissedByController = 0xFFFF;       // MFC: no descriptor was free
        private const uint MissedByControllerOverflow = 1u << 16; // OMFC
        private const int MissedByApplicationShift = 17;      // MFA, bits 27:17: RX FIFO overflow, runts
        private const uint MissedByApplication = 0x7FF;
        private const uint MissedByApplicationOverflow = 1u << 28; // OFOC

        // Descriptors (RM0410 42.6.7 transmit, 42.6.8 receive): four words each.
        private const int DescriptorBytes = 16;
        private const uint Word0 = 0, Word1 = 4, Word2 = 8, Word3 = 12;
        private const uint Own = 1u << 31;              // TDES0/RDES0: the DMA owns the descriptor
        private const uint TxInterruptOnCompletion = 1u << 30; // TDES0 IC
        private const uint TxLastSegment = 1u << 29;    // TDES0 LS
        private const uint TxFirstSegment = 1u << 28;   // TDES0 FS
        private const uint TxChained = 1u << 20;        // TDES0 TCH: TDES3 is the next descriptor
        private const uint TxErrorSummary = 1u << 15;   // TDES0 ES
        private const uint RxErrorSummary = 1u << 15;   // RDES0 ES
        private const uint RxFirstDescriptor = 1u << 9; // RDES0 FS
        private const uint RxLastDescriptor = 1u << 8;  // RDES0 LS
        private const int RxFrameLengthShift = 16;      // RDES0 FL, bits 29:16, FCS included
        private const uint RxFrameLengthMask = 0x3FFF;
        private const uint RxChained = 1u << 14;        // RDES1 RCH: RDES3 is the next descriptor

        public const int ReceiveDescriptors = 4;
        public const int TransmitDescriptors = 4;
        // A whole number of 16-byte bursts, room for 1514 + FCS and a VLAN tag; below the
        // 13-bit RBS1/TBS1 limit and a multiple of 4 as RBS1 requires.
        public const int BufferBytes = 1536;
        private const int DmaAlignment = 32; // a cache line, should the D-cache ever be turned on
        private const int FcsBytes = 4;
        private const int MaxFrameBytes = 1514;

        // Bounds for the busy waits. The software reset needs the RMII REF_CLK (the PHY's 50 MHz)
        // to finish in every clock domain; without it SR never clears.
        private const int ResetPolls = 1000000;

        private enum Fault { None, NoReferenceClock, Phy }

        private readonly IRegisterBus _bus;
        private readonly Lan8742 _phy;
        private readonly byte[] _macAddress = new byte[6];

        private Scheduler _scheduler;
        private int _taskId;
        private Fault _fault;
        private bool _started;

        private uint _rxDescriptors; // bus addresses
        private uint _txDescriptors;
        private uint _rxBuffers;
        private uint _txBuffers;
        private int _rxNext;         // the next descriptor Receive looks at
        private int _txNext;         // the next descriptor Transmit fills

        private bool _linkUp;
        private bool _fullDuplex;
        private bool _is100;

        // Set by the interrupt handler (the first cleared by the task once it has looked).
        private volatile bool _missedFramesNoted;
        private volatile bool _fatalBusError;
        private uint _interrupts;   // written by the interrupt handler only

        // Written by the task only.
        private uint _taskDrops;    // frames Receive threw away: in pieces, in error, too long
        private uint _missedFrames; // ETH_DMAMFBOCR: no free descriptor, FIFO overflow, runts
        private uint _badFrames;    // MMC: CRC and alignment errors (dropped by the MAC, FEF clear)
        private uint _framesReceived;
        private uint _framesSent;
        private uint _transmitErrors;

        public Stm32Eth(IRegisterBus bus, Lan8742 phy, ReadOnlySpan<byte> macAddress)
        {
            _bus = bus;
            _phy = phy;
            macAddress.Slice(0, 6).CopyTo(_macAddress);
        }

        public ReadOnlySpan<byte> MacAddress => _macAddress;
        public bool IsLinkUp => _linkUp;
        public uint ReceiveDrops => _taskDrops + _missedFrames + _badFrames;

        public bool IsStarted => _started;
        public bool IsFullDuplex => _fullDuplex;
        public bool Is100Mbit => _is100;
        public bool FatalBusError => _fatalBusError;
        public uint FramesReceived => _framesReceived;
        public uint FramesSent => _framesSent;
        public uint TransmitErrors => _transmitErrors;
        public uint Interrupts => _interrupts;

        // Why Start did not start (empty after success).
        public ReadOnlySpan<byte> Failure
        {
            get
            {
                switch (_fault)
                {
                    case Fault.NoReferenceClock: return "stm32eth: DMA software reset did not finish (no RMII REF_CLK from the PHY?)"u8;
                    case Fault.Phy: return _phy.Failure;
                    default: return ReadOnlySpan<byte>.Empty;
                }
            }
        }

        // Boot only. The board has selected RMII (SYSCFG_PMC), enabled the ETH clocks and routed
        // the pins. On failure IsStarted stays false and Failure says why.
        public void Start(Scheduler scheduler, int taskId)
        {
            _scheduler = scheduler;
            _taskId = taskId;
            _rxDescriptors = _bus.AllocateDma(ReceiveDescriptors * DescriptorBytes, DmaAlignment);
            _txDescriptors = _bus.AllocateDma(TransmitDescriptors * DescriptorBytes, DmaAlignment);
            _rxBuffers = _bus.AllocateDma(ReceiveDescriptors * BufferBytes, DmaAlignment);
            _txBuffers = _bus.AllocateDma(TransmitDescriptors * BufferBytes, DmaAlignment);

            // RM0410 42.11.4 ETH_DMABMR SR: resets every MAC and DMA register; SR must read 0
            // before any of them is programmed.
            _bus.Write32(DmaBusMode, BusModeSoftwareReset);
            if (!WaitForClear(DmaBusMode, BusModeSoftwareReset, ResetPolls))
            {
                _fault = Fault.NoReferenceClock;
                return;
            }

            // The MDIO clock range lives in ETH_MACMIIAR, so the PHY comes after the MAC reset.
            if (!_phy.Reset() || !_phy.StartAutoNegotiation())
            {
                _fault = Fault.Phy;
                return;
            }

            // RM0410 42.6.1 "Initialization of a transfer using DMA", in its order: bus mode,
            // interrupt enables, descriptor lists, frame filter, MAC configuration, DMA start.
            _bus.Write32(DmaBusMode, BusModeValue);
            _bus.Write32(DmaInterruptEnable, InterruptsEnabled);
            BuildReceiveList();
            BuildTransmitList();
            _bus.Write32(DmaReceiveList, _rxDescriptors);
            _bus.Write32(DmaTransmitList, _txDescriptors);

            _bus.Write32(MacFrameFilter, FilterPassAllMulticast);
            // ETH_MACA0HR/LR: the first byte on the wire in the low byte of the low register.
            _bus.Write32(MacAddress0High, _macAddress[4] | (uint)_macAddress[5] << 8);
            _bus.Write32(MacAddress0Low, _macAddress[0] | (uint)_macAddress[1] << 8 | (uint)_macAddress[2] << 16 | (uint)_macAddress[3] << 24);
            _bus.Write32(MacInterruptMask, MacMaskPowerManagement | MacMaskTimeStampTrigger);
            _bus.Write32(MmcControl, MmcResetOnRead);
            _bus.Write32(MmcReceiveInterruptMask, MmcMaskReceive);
            _bus.Write32(MmcTransmitInterruptMask, MmcMaskTransmit);

            // Speed and duplex from the PHY if auto-negotiation is already done; otherwise
            // 100/full until PollLink sees the link come up with its negotiated mode.
            if (!_phy.ReadLink(out bool up, out bool full, out bool is100)) up = false;
            _linkUp = up;
            if (!up)
            {
                full = true;
                is100 = true;
            }
            ConfigureMac(full, is100);

            _bus.Write32(DmaOperationMode, OperationReceiveStoreForward | OperationTransmitStoreForward
                | OperationStartTransmit | OperationStartReceive);
            _started = true;
        }

        // Interrupt context: acknowledge what DMASR shows (write 1 to clear, the summaries
        // included), note what the task must look at, wake it. Frames stay in the ring.
        public void HandleInterrupt()
        {
            uint status = ReadWord(DmaStatus);
            _bus.Write32(DmaStatus, status & StatusClearable);
            _interrupts++;
            if ((status & (StatusReceiveBufferUnavailable | StatusReceiveOverflow)) != 0) _missedFramesNoted = true;
            if ((status & StatusFatalBusError) != 0) _fatalBusError = true; // the DMA has stopped
            if ((status & (StatusReceive | StatusReceiveBufferUnavailable | StatusReceiveOverflow | StatusFatalBusError)) != 0)
                _scheduler.Signal(_taskId);
        }

        // Task context. Walks the descriptors the DMA has handed back: a frame whole in one
        // descriptor (FS and LS), without error and no longer than `frame` is copied out; anything
        // else is dropped and counted once (at its LS). Every descriptor looked at goes back to
        // the DMA, and a receive DMA suspended for want of descriptors is resumed.
        public int Receive(Span<byte> frame)
        {
            if (!_started || _fatalBusError) return 0;
            if (_missedFramesNoted)
            {
                _missedFramesNoted = false;
                CollectMissedFrames();
            }

            int length = 0;
            bool returned = false;
            while (true)
            {
                uint descriptor = _rxDescriptors + (uint)(_rxNext * DescriptorBytes);
                uint status = ReadWord(descriptor + Word0);
                if ((status & Own) != 0) break;

                bool whole = (status & (RxFirstDescriptor | RxLastDescriptor)) == (RxFirstDescriptor | RxLastDescriptor);
                int size = (int)((status >> RxFrameLengthShift) & RxFrameLengthMask) - FcsBytes;
                bool good = whole && (status & RxErrorSummary) == 0 && size > 0 && size <= BufferBytes - FcsBytes;
                if (good && size <= frame.Length)
                {
                    _bus.CopyOut(_rxBuffers + (uint)(_rxNext * BufferBytes), frame.Slice(0, size));
                    length = size;
                    _framesReceived++;
                }
                else if ((status & RxLastDescriptor) != 0)
                {
                    _taskDrops++;
                }

                // The buffer is read before the DMA may write it again.
                _bus.MemoryBarrier();
                _bus.Write32(descriptor + Word0, Own);
                returned = true;
                _rxNext = (_rxNext + 1) % ReceiveDescriptors;
                if (length > 0) break;
            }

            if (returned)
            {
                // RM0410 42.11.4 ETH_DMARPDR: the DMA re-reads the current descriptor and leaves
                // the suspended state if it now owns it.
                _bus.MemoryBarrier();
                uint state = (ReadWord(DmaStatus) >> StatusReceiveStateShift) & StatusReceiveStateMask;
                if (state == ReceiveStateSuspended) _bus.Write32(DmaReceivePollDemand, 0);
            }
            return length;
        }

        // Task context. One frame into the next transmit buffer if the CPU owns its descriptor;
        // the MAC pads frames shorter than 60 bytes and appends the FCS (TDES0 DP and DC clear).
        public bool Transmit(ReadOnlySpan<byte> frame)
        {
            if (!_started || _fatalBusError || !_linkUp) return false;
            if (frame.Length == 0 || frame.Length > MaxFrameBytes) return false;

            uint descriptor = _txDescriptors + (uint)(_txNext * DescriptorBytes);
            uint status = ReadWord(descriptor + Word0);
            if ((status & Own) != 0) return false; // the ring is full
            // The status the DMA wrote back when this descriptor last went out.
            if ((status & TxErrorSummary) != 0) _transmitErrors++;

            _bus.CopyIn(_txBuffers + (uint)(_txNext * BufferBytes), frame);
            _bus.Write32(descriptor + Word1, (uint)frame.Length); // TBS1; TBS2 unused in chain mode
            _bus.MemoryBarrier();
            // The DMA clears the control bits when it writes the status back: all of them again.
            _bus.Write32(descriptor + Word0, Own | TxInterruptOnCompletion | TxLastSegment | TxFirstSegment | TxChained);
            _bus.MemoryBarrier();
            // RM0410 42.11.4 ETH_DMATPDR: any value; the DMA leaves the suspended state.
            _bus.Write32(DmaTransmitPollDemand, 0);
            _txNext = (_txNext + 1) % TransmitDescriptors;
            _framesSent++;
            return true;
        }

        // Task context, about once a second: the PHY's link and negotiated mode (MACCR follows
        // it), and the controller's drop counters. Signals the task when the link changed.
        public bool PollLink()
        {
            if (!_started) return false;
            CollectMissedFrames();
            _badFrames += ReadWord(MmcCrcErrorFrames) + ReadWord(MmcAlignmentErrorFrames);

            if (!_phy.ReadLink(out bool up, out bool full, out bool is100)) up = false;
            if (up && (!_linkUp || full != _fullDuplex || is100 != _is100)) ConfigureMac(full, is100);
            bool changed = up != _linkUp;
            _linkUp = up;
            if (changed) _scheduler.Signal(_taskId);
            return changed;
        }

        // RM0410 42.6.8: RDES1 holds RCH and the buffer size, RDES2 the buffer, RDES3 the next
        // descriptor; RDES0 gets OWN last, after a barrier.
        private void BuildReceiveList()
        {
            for (int i = 0; i < ReceiveDescriptors; i++)
            {
                uint descriptor = _rxDescriptors + (uint)(i * DescriptorBytes);
                uint next = _rxDescriptors + (uint)(((i + 1) % ReceiveDescriptors) * DescriptorBytes);
                _bus.Write32(descriptor + Word1, RxChained | BufferBytes);
                _bus.Write32(descriptor + Word2, _rxBuffers + (uint)(i * BufferBytes));
                _bus.Write32(descriptor + Word3, next);
            }
            _bus.MemoryBarrier();
            for (int i = 0; i < ReceiveDescriptors; i++)
                _bus.Write32(_rxDescriptors + (uint)(i * DescriptorBytes) + Word0, Own);
            _bus.MemoryBarrier();
            _rxNext = 0;
        }

        // RM0410 42.6.7: the CPU owns every transmit descriptor until Transmit fills it.
        private void BuildTransmitList()
        {
            for (int i = 0; i < TransmitDescriptors; i++)
            {
                uint descriptor = _txDescriptors + (uint)(i * DescriptorBytes);
                uint next = _txDescriptors + (uint)(((i + 1) % TransmitDescriptors) * DescriptorBytes);
                _bus.Write32(descriptor + Word0, TxChained);
                _bus.Write32(descriptor + Word1, 0);
                _bus.Write32(descriptor + Word2, _txBuffers + (uint)(i * BufferBytes));
                _bus.Write32(descriptor + Word3, next);
            }
            _bus.MemoryBarrier();
            _txNext = 0;
        }

        // ETH_MACCR: FES and DM as negotiated (RM0410 42.6.1 step 5), transmitter and receiver on.
        private void ConfigureMac(bool fullDuplex, bool is100)
        {
            _fullDuplex = fullDuplex;
            _is100 = is100;
            uint value = MacReservedOne | MacTransmitterEnable | MacReceiverEnable;
            if (fullDuplex) value |= MacFullDuplex;
            if (is100) value |= MacFastEthernet;
            _bus.Write32(MacConfiguration, value);
        }

        // ETH_DMAMFBOCR counts what the DMA had to throw away; the read clears it.
        private void CollectMissedFrames()
        {
            uint counts = ReadWord(DmaMissedFrames);
            _missedFrames += (counts & MissedByController) + ((counts >> MissedByApplicationShift) & MissedByApplication);
            if ((counts & MissedByControllerOverflow) != 0) _missedFrames += MissedByController + 1;
            if ((counts & MissedByApplicationOverflow) != 0) _missedFrames += MissedByApplication + 1;
        }

        // Registers and descriptor status words are read as whole words, once, through a call ilc
        // does not inline: it devirtualizes the bus down to MmioBus and would narrow a masked
        // read to ldrb/ldrh; RM0410 defines the ETH registers as 32-bit words, so that is what they get.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private uint ReadWord(uint address) => _bus.Read32(address);

        private bool WaitForClear(uint address, uint bits, int polls)
        {
            for (int i = 0; i < polls; i++)
                if ((ReadWord(address) & bits) == 0) return true;
            return false;
        }
    }
}
