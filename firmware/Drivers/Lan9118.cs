using System;
using ChargePoint.Core.Scheduling;
using Internal.Runtime;

namespace ChargePoint.Drivers
{
    // SMSC LAN9118 10/100 Ethernet controller (SMSC LAN9118 datasheet, rev. 1.5), as QEMU 7.2 models it
    // (hw/net/lan9118.c) on mps2-an500; the AN500 board itself carries the register-compatible LAN9220.
    // Programmed I/O only: frames move through the RX and TX data FIFO ports one 32-bit word at a
    // time, the first byte in the low bits of a word (3.12, 3.13).
    //
    // What QEMU's model does that shapes this driver (the driver stays right for the chip as well):
    // - The interrupt line is driven active-high only when IRQ_CFG has IRQ_POL and IRQ_TYPE both
    //   set; otherwise the model drives it inverted, i.e. asserted whenever nothing is pending.
    //   The line is level: it follows (INT_STS & INT_EN) != 0.
    // - RSFL is raised when a frame arrives with more RX status entries than FIFO_INT's level, not
    //   re-evaluated when INT_STS is cleared. So the handler acknowledges first, then drains.
    // - RX_DP_CTRL fast-forward leaves the model's RX FIFO count behind (the FIFO then looks fuller
    //   and fuller), so dropped frames are read out word by word instead.
    // - The PHY needs no wait: reset, autonegotiation and link are immediate, and its link follows
    //   the QEMU netdev's link state (set_link in the monitor raises the PHY interrupt).
    // - PHY registers other than 0-6, 29 and 30 print "lan9118: error" on QEMU's stderr; this driver
    //   touches only 0, 1, 4, 5, 29 and 30.
    public sealed unsafe class Lan9118 : INetworkLink
    {
        // Register map (datasheet chapter 5, offsets from the base).
        private const uint RxDataFifo = 0x00;     // 3.13 RX data FIFO port (0x00-0x1C all alias it)
        private const uint TxDataFifo = 0x20;     // 3.12 TX data FIFO port (0x20-0x3C all alias it)
        private const uint RxStatusFifo = 0x40;   // 3.13.3 RX status FIFO port: one word per frame, popped by the read
        private const uint TxStatusFifo = 0x48;   // 3.12.4 TX status FIFO port, popped by the read
        private const uint IrqConfig = 0x54;      // 5.3.2 IRQ_CFG
        private const uint IntStatus = 0x58;      // 5.3.3 INT_STS: write 1 to clear
        private const uint IntEnable = 0x5C;      // 5.3.4 INT_EN
        private const uint ByteTest = 0x64;       // 5.3.5 BYTE_TEST: a fixed pattern, for bus and byte order
        private const uint FifoInterrupt = 0x68;  // 5.3.6 FIFO_INT: FIFO level interrupt thresholds
        private const uint RxConfig = 0x6C;       // 5.3.7 RX_CFG
        private const uint TxConfig = 0x70;       // 5.3.8 TX_CFG
        private const uint HwConfig = 0x74;       // 5.3.9 HW_CFG
        private const uint RxFifoInfo = 0x7C;     // 5.3.11 RX_FIFO_INF
        private const uint TxFifoInfo = 0x80;     // 5.3.12 TX_FIFO_INF
        private const uint PowerControl = 0x84;   // 5.3.13 PMT_CTRL
        private const uint RxDropCounter = 0xA0;  // 5.3.19 RX_DROP: frames the receiver dropped, cleared by the read
        private const uint MacCsrCommand = 0xA4;  // 5.3.20 MAC_CSR_CMD
        private const uint MacCsrData = 0xA8;     // 5.3.21 MAC_CSR_DATA

        // MAC control and status registers, reached through MAC_CSR_CMD/MAC_CSR_DATA (5.4).
        private const uint MacControl = 1;        // 5.4.1 MAC_CR
        private const uint MacAddressHigh = 2;    // 5.4.2 ADDRH: bytes 4 and 5 of the address
        private const uint MacAddressLow = 3;     // 5.4.3 ADDRL: bytes 0 to 3
        private const uint MiiAccess = 6;         // 5.4.6 MII_ACC
        private const uint MiiData = 7;           // 5.4.7 MII_DATA

        // Internal PHY registers, reached through MII_ACC/MII_DATA (5.5).
        private const uint PhyAddress = 1;        // the internal PHY answers at MII address 1
        private const uint PhyBasicControl = 0;   // 5.5.1 Basic Control
        private const uint PhyBasicStatus = 1;    // 5.5.2 Basic Status
        private const uint PhyAdvertisement = 4;  // 5.5.5 Auto-Negotiation Advertisement
        private const uint PhyPartnerAbility = 5; // 5.5.6 Auto-Negotiation Link Partner Ability
        private const uint PhyInterruptSource = 29; // 5.5.11 Interrupt Source: cleared by the read
        private const uint PhyInterruptMask = 30; // 5.5.12 Interrupt Mask

        private const uint ByteTestPattern = 0x87654321;
        private const uint IrqTypePushPull = 1u << 0;
        private const uint IrqPolarityHigh = 1u << 4;
        private const uint IrqEnable = 1u << 8;
        private const uint IntRxStatusLevel = 1u << 3;   // RSFL: RX status FIFO above its FIFO_INT level
        private const uint IntRxDroppedFrame = 1u << 6;  // RXDF: the receiver dropped a frame (overrun)
        private const uint IntPhy = 1u << 18;            // PHY_INT: the PHY's own interrupt (its source register says why)
        private const uint ReceiveInterrupts = IntRxStatusLevel | IntRxDroppedFrame;
        private const uint FifoLevelsRxStatusAny = 0x48000000; // RX status level 0 (interrupt on the first frame), TX levels at reset values
        private const uint TxOn = 1u << 1;
        private const uint TxStatusAllowOverrun = 1u << 2;    // TXSAO: status words may be lost, transmission never stalls on them
        private const uint SoftReset = 1u << 0;               // HW_CFG SRST, self-clearing
        private const uint DeviceReady = 1u << 0;             // PMT_CTRL READY
        private const int FifoStatusUsedShift = 16;            // RX/TX_FIFO_INF bits 23:16: status words waiting
        private const uint FifoStatusUsedMask = 0xFF;
        private const uint TxDataFreeMask = 0xFFFF;           // TX_FIFO_INF TDFREE: bytes free in the TX data FIFO
        private const uint CsrBusy = 1u << 31;                // MAC_CSR_CMD: set to start, clears when done
        private const uint CsrRead = 1u << 30;
        private const uint MacReceiveEnable = 1u << 2;
        private const uint MacTransmitEnable = 1u << 3;
        private const uint MacFullDuplex = 1u << 20;
        private const uint MiiBusy = 1u << 0;
        private const uint MiiWrite = 1u << 1;
        private const uint PhyReset = 1u << 15;
        private const uint PhyAutoNegotiate = 1u << 12;
        private const uint PhyRestartAutoNegotiation = 1u << 9;
        private const uint PhyLinkUp = 1u << 2;
        private const uint PhyInterruptLinkDown = 1u << 4;
        private const uint PhyInterruptAutoNegotiationDone = 1u << 6;
        private const uint Ability100Full = 1u << 8;          // IEEE 802.3 Annex 28B.2 technology ability field
        private const uint Ability100Half = 1u << 7;
        private const uint Ability10Full = 1u << 6;

        // RX status word (3.13.3).
        private const uint RxStatusFilterFail = 1u << 30;
        private const uint RxStatusError = 1u << 15;          // ES: runt, too long, collision or CRC error
        private const int RxStatusLengthShift = 16;           // bits 29:16: frame length in bytes, FCS included
        private const uint RxStatusLengthMask = 0x3FFF;

        // TX command words (3.12.2).
        private const uint TxCommandFirstSegment = 1u << 13;
        private const uint TxCommandLastSegment = 1u << 12;
        private const int TxCommandTagShift = 16;

        private const int FcsBytes = 4;
        private const int MinFrameBytes = 60;                 // without FCS; shorter frames are padded with zeros
        private const int MaxFrameBytes = 1514;
        private const int SlotCount = 8;                      // a power of two: positions wrap with a mask
        private const int SlotBytes = 1536;                   // a whole number of words, room for 1514 + FCS and VLAN tag
        private const int BusyPolls = 100000;                 // bound for every busy wait; QEMU needs one poll

        // Locally administered (02 in the first byte), used when the controller has no address:
        // the chip with no EEPROM reads FF:FF:FF:FF:FF:FF. QEMU loads its NIC's address (-nic ...,mac=,
        // 52:54:00:12:34:56 when not given) into ADDRH/ADDRL at every reset, so there it is read back.
        private static ReadOnlySpan<byte> FallbackMacAddress => new byte[] { 0x02, 0x00, 0x5E, 0x10, 0x00, 0x01 };

        private readonly uint _base;
        private Scheduler _scheduler;
        private int _taskId;
        private byte[] _macAddress;

        // Received frames: the interrupt handler fills slot _head, the task empties slot _tail.
        private byte[] _frames;
        private int[] _lengths;
        private volatile int _head;
        private volatile int _tail;
        private uint _interruptDrops; // written by the interrupt handler only
        private uint _taskDrops;      // written by the task only

        private volatile bool _phyEventPending;
        private bool _linkUp;
        private uint _macControl;
        private uint _transmitTag;

        public Lan9118(uint baseAddress) { _base = baseAddress; }

        public ReadOnlySpan<byte> MacAddress => _macAddress;
        public bool IsLinkUp => _linkUp;
        public uint ReceiveDrops => _interruptDrops + _taskDrops;

        public void Start(Scheduler scheduler, int taskId)
        {
            _scheduler = scheduler;
            _taskId = taskId;
            _frames = new byte[SlotCount * SlotBytes];
            _lengths = new int[SlotCount];
            _macAddress = new byte[6];

            // 3.10 Note 3.4: the chip must be read before it takes writes; BYTE_TEST is that read.
            if (Read(ByteTest) != ByteTestPattern) Panic.Fail("lan9118: BYTE_TEST mismatch, no controller at the base address"u8);
            WaitFor(PowerControl, DeviceReady, DeviceReady, "lan9118: not ready after power-up"u8);
            // Polarity and type first: a soft reset keeps them (5.3.2), and with them the line idles
            // inactive from here on. Without them QEMU drives the line high (asserted) from the first
            // write on.
            Write(IrqConfig, IrqPolarityHigh | IrqTypePushPull);
            Write(HwConfig, SoftReset);
            WaitFor(HwConfig, SoftReset, 0, "lan9118: soft reset did not finish"u8);
            WaitFor(PowerControl, DeviceReady, DeviceReady, "lan9118: not ready after soft reset"u8);
            Write(IrqConfig, IrqPolarityHigh | IrqTypePushPull);

            LoadMacAddress();
            StartPhy();

            Write(FifoInterrupt, FifoLevelsRxStatusAny);
            Write(RxConfig, 0); // 4-byte end alignment, no data offset: a frame is its words, nothing else
            Write(TxConfig, TxOn | TxStatusAllowOverrun);
            _macControl = MacTransmitEnable | MacReceiveEnable | MacFullDuplex; // promiscuous off: own address and broadcast
            _linkUp = ReadLinkState();
            if (_linkUp) _macControl = WithNegotiatedDuplex(_macControl);
            WriteMac(MacControl, _macControl);

            Write(IntStatus, 0xFFFFFFFF);
            Write(IntEnable, ReceiveInterrupts | IntPhy);
            Write(IrqConfig, IrqEnable | IrqPolarityHigh | IrqTypePushPull);
        }

        // Interrupt context. Acknowledge, then drain every frame the RX status FIFO announces: a
        // frame arriving during the drain raises RSFL again (another interrupt, maybe with nothing
        // left to read), where acknowledging last would lose it.
        public void HandleInterrupt()
        {
            uint pending = Read(IntStatus);
            Write(IntStatus, pending);

            if ((pending & IntPhy) != 0)
            {
                // The chip's PHY_INT stays up until the PHY's source register is read, which takes
                // MII cycles: PollLink does that in the task and enables PHY_INT again.
                Write(IntEnable, ReceiveInterrupts);
                _phyEventPending = true;
            }
            if ((pending & IntRxDroppedFrame) != 0) _interruptDrops += Read(RxDropCounter);

            while (((Read(RxFifoInfo) >> FifoStatusUsedShift) & FifoStatusUsedMask) != 0)
                TakeFrame(Read(RxStatusFifo));

            _scheduler.Signal(_taskId);
        }

        // Interrupt context: the frame that `status` describes is next in the RX data FIFO.
        private void TakeFrame(uint status)
        {
            int length = (int)((status >> RxStatusLengthShift) & RxStatusLengthMask);
            int words = (length + 3) >> 2;
            int head = _head;
            bool bad = (status & (RxStatusError | RxStatusFilterFail)) != 0 || length <= FcsBytes || length > SlotBytes;
            if (bad || head - _tail == SlotCount)
            {
                for (int i = 0; i < words; i++) Read(RxDataFifo);
                _interruptDrops++;
                return;
            }

            int slot = head & (SlotCount - 1);
            uint port = _base + RxDataFifo;
            // Whole words into the slot (little-endian, as the FIFO packs them); the FCS lands after
            // the frame's bytes, inside the slot, and is left out of the length.
            fixed (byte* start = &_frames[slot * SlotBytes])
            {
                uint* to = (uint*)start;
                for (int i = 0; i < words; i++) to[i] = Mmio.Read32(port);
            }
            _lengths[slot] = length - FcsBytes;
            _head = head + 1;
        }

        public int Receive(Span<byte> frame)
        {
            while (true)
            {
                int tail = _tail;
                if (tail == _head) return 0;
                int slot = tail & (SlotCount - 1);
                int length = _lengths[slot];
                bool fits = length <= frame.Length;
                if (fits) new ReadOnlySpan<byte>(_frames, slot * SlotBytes, length).CopyTo(frame);
                else _taskDrops++;
                _tail = tail + 1;
                if (fits) return length;
            }
        }

        public bool Transmit(ReadOnlySpan<byte> frame)
        {
            if (frame.Length == 0 || frame.Length > MaxFrameBytes) return false;
            int length = frame.Length < MinFrameBytes ? MinFrameBytes : frame.Length;
            int words = (length + 3) >> 2;

            // TXSAO keeps the chip from stalling on a full status FIFO; QEMU ignores TXSAO and
            // queues a status word per frame, so whatever is there is read away here.
            uint info = Read(TxFifoInfo);
            while (((info >> FifoStatusUsedShift) & FifoStatusUsedMask) != 0)
            {
                Read(TxStatusFifo);
                info = Read(TxFifoInfo);
            }
            if ((info & TxDataFreeMask) < (uint)(words * 4 + 8)) return false;

            uint tag = _transmitTag++ & 0xFFFF;
            Write(TxDataFifo, TxCommandFirstSegment | TxCommandLastSegment | (uint)length); // command A: one buffer, offset 0
            Write(TxDataFifo, (tag << TxCommandTagShift) | (uint)length);                      // command B: chip adds the FCS

            int whole = frame.Length >> 2;
            for (int w = 0; w < whole; w++)
            {
                int i = w << 2;
                Write(TxDataFifo, frame[i] | (uint)frame[i + 1] << 8 | (uint)frame[i + 2] << 16 | (uint)frame[i + 3] << 24);
            }
            for (int w = whole; w < words; w++)
            {
                // The frame's last bytes, then zeros up to the padded length.
                uint value = 0;
                for (int b = 0; b < 4; b++)
                {
                    int i = (w << 2) + b;
                    if (i < frame.Length) value |= (uint)frame[i] << (b * 8);
                }
                Write(TxDataFifo, value);
            }
            return true;
        }

        public bool PollLink()
        {
            if (_phyEventPending)
            {
                _phyEventPending = false;
                ReadPhy(PhyInterruptSource);
                // INT_EN is also written by the interrupt handler.
                using (CriticalSection.Enter()) Write(IntEnable, ReceiveInterrupts | IntPhy);
            }
            bool up = ReadLinkState();
            if (up == _linkUp) return false;
            _linkUp = up;
            if (up)
            {
                uint control = WithNegotiatedDuplex(_macControl);
                if (control != _macControl)
                {
                    _macControl = control;
                    WriteMac(MacControl, control);
                }
            }
            return true;
        }

        // The address the controller holds after reset (EEPROM, or QEMU's NIC), unless it has none.
        private void LoadMacAddress()
        {
            uint low = ReadMac(MacAddressLow);
            uint high = ReadMac(MacAddressHigh);
            for (int i = 0; i < 4; i++) _macAddress[i] = (byte)(low >> (i * 8));
            _macAddress[4] = (byte)high;
            _macAddress[5] = (byte)(high >> 8);

            bool none = (_macAddress[0] & 1) != 0; // multicast, FF:FF:... included
            bool zero = true;
            for (int i = 0; i < 6; i++) zero &= _macAddress[i] == 0;
            if (none || zero)
            {
                FallbackMacAddress.CopyTo(_macAddress);
                WriteMac(MacAddressLow, _macAddress[0] | (uint)_macAddress[1] << 8 | (uint)_macAddress[2] << 16 | (uint)_macAddress[3] << 24);
                WriteMac(MacAddressHigh, _macAddress[4] | (uint)_macAddress[5] << 8);
            }
        }

        private void StartPhy()
        {
            WritePhy(PhyBasicControl, PhyReset);
            int polls = 0;
            while ((ReadPhy(PhyBasicControl) & PhyReset) != 0)
                if (++polls == BusyPolls) Panic.Fail("lan9118: PHY reset did not finish"u8);
            ReadPhy(PhyInterruptSource); // drop what the reset itself raised
            WritePhy(PhyInterruptMask, PhyInterruptLinkDown | PhyInterruptAutoNegotiationDone);
            WritePhy(PhyBasicControl, PhyAutoNegotiate | PhyRestartAutoNegotiation);
        }

        // Basic Status link bit latches low (IEEE 802.3 22.2.4.2.13): the first read reports a loss
        // since the last read, the second the state now.
        private bool ReadLinkState()
        {
            ReadPhy(PhyBasicStatus);
            return (ReadPhy(PhyBasicStatus) & PhyLinkUp) != 0;
        }

        // Full duplex when the best mode both ends advertise is (IEEE 802.3 28B.3 priority order).
        private uint WithNegotiatedDuplex(uint control)
        {
            uint common = ReadPhy(PhyAdvertisement) & ReadPhy(PhyPartnerAbility);
            bool full = (common & Ability100Full) != 0 || ((common & Ability100Half) == 0 && (common & Ability10Full) != 0);
            return full ? control | MacFullDuplex : control & ~MacFullDuplex;
        }

        private uint ReadPhy(uint register)
        {
            WaitMiiIdle();
            WriteMac(MiiAccess, PhyAddress << 11 | register << 6 | MiiBusy);
            WaitMiiIdle();
            return ReadMac(MiiData) & 0xFFFF;
        }

        private void WritePhy(uint register, uint value)
        {
            WaitMiiIdle();
            WriteMac(MiiData, value);
            WriteMac(MiiAccess, PhyAddress << 11 | register << 6 | MiiWrite | MiiBusy);
            WaitMiiIdle();
        }

        private void WaitMiiIdle()
        {
            int polls = 0;
            while ((ReadMac(MiiAccess) & MiiBusy) != 0)
                if (++polls == BusyPolls) Panic.Fail("lan9118: MII access did not finish"u8);
        }

        private uint ReadMac(uint register)
        {
            WaitMacIdle();
            Write(MacCsrCommand, CsrBusy | CsrRead | register);
            WaitMacIdle();
            return Read(MacCsrData);
        }

        private void WriteMac(uint register, uint value)
        {
            WaitMacIdle();
            Write(MacCsrData, value);
            Write(MacCsrCommand, CsrBusy | register);
            WaitMacIdle();
        }

        private void WaitMacIdle() => WaitFor(MacCsrCommand, CsrBusy, 0, "lan9118: MAC CSR access did not finish"u8);

        private void WaitFor(uint offset, uint mask, uint expected, ReadOnlySpan<byte> failure)
        {
            int polls = 0;
            while ((Read(offset) & mask) != expected)
                if (++polls == BusyPolls) Panic.Fail(failure);
        }

        // Every register is read as a whole word (Read32Word, see Mmio): ilc may narrow an inlined
        // volatile read to a byte load, and the model answers a narrow read at an unaligned offset
        // with 0 ("bad reg") or, on a FIFO port, pops a whole word for it.
        private uint Read(uint offset) => Mmio.Read32Word(_base + offset);

        private void Write(uint offset, uint value) => Mmio.Write32(_base + offset, value);
    }
}
