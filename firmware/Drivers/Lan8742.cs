using System;
using System.Runtime.CompilerServices;

namespace ChargePoint.Drivers
{
    // Microchip (SMSC) LAN8742A 10/100 RMII PHY (datasheet DS00001989A), on the MDIO bus of the
    // STM32F7 Ethernet MAC: its station management interface (RM0410 42.4.1 "SMI") moves one
    // IEEE 802.3 clause 22 register per transaction through ETH_MACMIIAR / ETH_MACMIIDR.
    // Every wait is bounded and reports failure (Failure says which), so a missing PHY or a dead
    // MDIO bus is an answer at boot, not a hang.
    public sealed class Lan8742
    {
        private const uint MiiAddress = Stm32Eth.MacBase + 0x10; // RM0410 42.11.1 ETH_MACMIIAR
        private const uint MiiData = Stm32Eth.MacBase + 0x14;    // RM0410 42.11.1 ETH_MACMIIDR

        private const uint MiiBusy = 1u << 0;  // MB: set to start a transaction, cleared by the MAC when done
        private const uint MiiWrite = 1u << 1; // MW
        private const int MiiClockRangeShift = 2;    // CR[2:0], bits 4:2
        private const int MiiRegisterShift = 6;      // MR[4:0], bits 10:6
        private const int MiiPhyAddressShift = 11;   // PA[4:0], bits 15:11
        private const uint MiiDataMask = 0xFFFF;     // MD, bits 15:0

        // RM0410 42.11.1 ETH_MACMIIAR CR: MDC = HCLK / divider, at most 2.5 MHz (IEEE 802.3 22.2.2.11).
        private const uint ClockRangeDiv42 = 0;  // HCLK 60-100 MHz
        private const uint ClockRangeDiv62 = 1;  // HCLK 100-150 MHz
        private const uint ClockRangeDiv16 = 2;  // HCLK 20-35 MHz
        private const uint ClockRangeDiv26 = 3;  // HCLK 35-60 MHz
        private const uint ClockRangeDiv102 = 4; // HCLK 150-216 MHz

        // IEEE 802.3 clause 22 registers and the LAN8742A's vendor register (datasheet 4.2).
        public const int BasicControl = 0;          // BCR
        public const int BasicStatus = 1;           // BSR
        public const int Identifier1 = 2;           // PHY ID 1: OUI bits 3-18
        public const int Identifier2 = 3;           // PHY ID 2: OUI bits 19-24, model, revision
        public const int Advertisement = 4;         // auto-negotiation advertisement
        public const int SpecialControlStatus = 31; // PHY special control/status (PSCSR)

        private const ushort ControlSoftReset = 1 << 15;          // self-clearing
        private const ushort ControlAutoNegotiation = 1 << 12;
        private const ushort ControlRestartAutoNegotiation = 1 << 9; // self-clearing
        private const ushort StatusAutoNegotiationComplete = 1 << 5;
        private const ushort StatusLinkUp = 1 << 2;               // latches low (IEEE 802.3 22.2.4.2.13)
        private const ushort SpecialAutoNegotiationDone = 1 << 12;
        private const int SpecialSpeedShift = 2;                  // bits 4:2, "speed indication"
        private const ushort SpecialSpeedMask = 7;
        private const ushort SpeedFullDuplex = 4;                 // 1x1: full duplex
        private const ushort SpeedRateMask = 3;
        private const ushort Speed10 = 1;                         // x01: 10BASE-T
        private const ushort Speed100 = 2;                        // x10: 100BASE-TX

        // 100BASE-TX and 10BASE-T, full and half duplex, IEEE 802.3 selector (802.3 28.2.1.2): the
        // register's reset value with every MODE strap that enables auto-negotiation.
        private const ushort AdvertiseAll = 0x01E1;

        // The LAN8742A answers 0x0007 / 0xC13x (x: silicon revision). An absent PHY reads 0xFFFF:
        // MDIO has a pull-up and nothing drives it.
        private const ushort ExpectedIdentifier1 = 0x0007;
        private const ushort ExpectedIdentifier2 = 0xC130;
        private const ushort RevisionMask = 0x000F;

        // An MDIO transaction is 64 MDC cycles, about 30 us at 2.1 MHz; a poll of MB is a few
        // AHB cycles. 100000 polls leave a margin of two orders of magnitude.
        private const int BusyPolls = 100000;
        // The soft reset takes well under a millisecond; each poll is a whole MDIO read (30 us).
        private const int ResetPolls = 20000;

        private enum Fault { None, MdioBusy, WrongIdentifier, ResetTimeout }

        private readonly IRegisterBus _bus;
        private readonly uint _address;
        private readonly uint _clockRange;
        private Fault _fault;

        // phyAddress: the PHYAD strap (0 on the STM32F769I-DISCO); hclkHz: the AHB clock, which
        // sets the MDC divider.
        public Lan8742(IRegisterBus bus, int phyAddress, uint hclkHz)
        {
            _bus = bus;
            _address = (uint)phyAddress & 0x1F;
            _clockRange = ClockRangeFor(hclkHz);
        }

        public int Address => (int)_address;

        // Why the last call returned false (empty after success).
        public ReadOnlySpan<byte> Failure
        {
            get
            {
                switch (_fault)
                {
                    case Fault.MdioBusy: return "lan8742: MDIO transaction did not finish (ETH_MACMIIAR MB stuck)"u8;
                    case Fault.WrongIdentifier: return "lan8742: no LAN8742A at the MDIO address (PHY ID mismatch)"u8;
                    case Fault.ResetTimeout: return "lan8742: soft reset did not finish"u8;
                    default: return ReadOnlySpan<byte>.Empty;
                }
            }
        }

        // RM0410 42.11.1 ETH_MACMIIAR CR, by HCLK range.
        public static uint ClockRangeFor(uint hclkHz)
        {
            if (hclkHz < 35000000) return ClockRangeDiv16;
            if (hclkHz < 60000000) return ClockRangeDiv26;
            if (hclkHz < 100000000) return ClockRangeDiv42;
            if (hclkHz < 150000000) return ClockRangeDiv62;
            return ClockRangeDiv102;
        }

        // Checks that a LAN8742A answers, then soft-resets it (its registers to their strap defaults).
        public bool Reset()
        {
            if (!Read(Identifier1, out ushort id1) || !Read(Identifier2, out ushort id2)) return false;
            if (id1 != ExpectedIdentifier1 || (id2 & ~RevisionMask) != ExpectedIdentifier2)
            {
                _fault = Fault.WrongIdentifier;
                return false;
            }
            if (!Write(BasicControl, ControlSoftReset)) return false;
            for (int polls = 0; polls < ResetPolls; polls++)
            {
                if (!Read(BasicControl, out ushort control)) return false;
                if ((control & ControlSoftReset) == 0)
                {
                    _fault = Fault.None;
                    return true;
                }
            }
            _fault = Fault.ResetTimeout;
            return false;
        }

        // Advertise every 10/100 mode and (re)start auto-negotiation; the result comes later,
        // through ReadLink.
        public bool StartAutoNegotiation() =>
            Write(Advertisement, AdvertiseAll)
            && Write(BasicControl, ControlAutoNegotiation | ControlRestartAutoNegotiation);

        // up: link established and auto-negotiation done; then fullDuplex and is100 are the
        // negotiated mode (PSCSR speed indication). False when MDIO failed.
        public bool ReadLink(out bool up, out bool fullDuplex, out bool is100)
        {
            up = false;
            fullDuplex = false;
            is100 = false;
            // The link bit latches low: the first read reports a loss since the last read (and
            // clears the latch), the second the state now.
            if (!Read(BasicStatus, out _) || !Read(BasicStatus, out ushort status)) return false;
            if ((status & StatusLinkUp) == 0 || (status & StatusAutoNegotiationComplete) == 0) return true;

            if (!Read(SpecialControlStatus, out ushort special)) return false;
            if ((special & SpecialAutoNegotiationDone) == 0) return true;
            ushort speed = (ushort)((special >> SpecialSpeedShift) & SpecialSpeedMask);
            ushort rate = (ushort)(speed & SpeedRateMask);
            if (rate != Speed10 && rate != Speed100) return true; // reserved code: not a usable link
            up = true;
            fullDuplex = (speed & SpeedFullDuplex) != 0;
            is100 = rate == Speed100;
            return true;
        }

        // RM0410 42.4.1 "SMI read operation": MB must read 0 before ETH_MACMIIAR is written (the MAC
        // ignores writes to MACMIIAR and MACMIIDR while a transaction runs); the data is valid
        // once MB is clear again.
        public bool Read(int register, out ushort value)
        {
            value = 0;
            if (!WaitIdle()) return false;
            _bus.Write32(MiiAddress, Command(register) | MiiBusy);
            if (!WaitIdle()) return false;
            value = (ushort)(ReadRegister(MiiData) & MiiDataMask);
            return true;
        }

        // RM0410 42.4.1 "SMI write operation": data first, then the address with MW and MB.
        public bool Write(int register, ushort value)
        {
            if (!WaitIdle()) return false;
            _bus.Write32(MiiData, value);
            _bus.Write32(MiiAddress, Command(register) | MiiWrite | MiiBusy);
            return WaitIdle();
        }

        // A whole-word read, never inlined: ilc devirtualizes the bus down to MmioBus and would
        // otherwise narrow `(ushort)Read32(MACMIIDR)` to an ldrh (seen in the image); RM0410
        // defines the ETH registers as 32-bit words, so that is what they get.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private uint ReadRegister(uint address) => _bus.Read32(address);

        private uint Command(int register) =>
            (_address << MiiPhyAddressShift) | (((uint)register & 0x1F) << MiiRegisterShift) | (_clockRange << MiiClockRangeShift);

        private bool WaitIdle()
        {
            for (int polls = 0; polls < BusyPolls; polls++)
                if ((ReadRegister(MiiAddress) & MiiBusy) == 0) return true;
            _fault = Fault.MdioBusy;
            return false;
        }
    }
}
