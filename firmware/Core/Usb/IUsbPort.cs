using ChargePoint.Core.Scheduling;

namespace ChargePoint.Core.Usb
{
    // A USB device controller as the device core (UsbDevice) drives it: the DWC2 OTG_HS core with
    // its internal DMA on the board (firmware/Drivers/DwcOtgHs.cs), a recording fake in the tests.
    // The port knows registers and nothing about descriptors, requests or CDC; the device core
    // knows USB chapter 9 and nothing about registers.
    //
    // Contexts. Start is called once at boot. The interrupt handler (the driver's own method,
    // wired by the board; not part of this interface) only records UsbEvents into a fixed queue
    // made at Start and calls scheduler.Signal(taskId). Every member below except Start is called
    // from that one task, never from an interrupt, and never concurrently.
    //
    // Endpoint addresses are USB 2.0 9.6.6 bEndpointAddress values: number in bits 3..0, bit 7
    // set for IN (0x81 = EP1 IN, 0x01 = EP1 OUT, 0x80 / 0x00 = EP0 IN / OUT). The stack uses
    // endpoint numbers 0..3 only; max packet sizes: EP0 64, bulk 64 (full speed) or 512 (high
    // speed), interrupt up to 64. Each IN endpoint needs its own TX FIFO: size them at Start.
    //
    // Buffers. StartIn and ArmOut hand the port a slice of a byte[] the stack allocated at boot.
    // The port (its DMA) reads / writes that memory directly or copies it, as it likes, from the
    // call until the matching completion event; the stack does not touch the slice meanwhile.
    // Arrays do not move on the device and the D-cache is off (toolchain-notes.md), so the
    // element's address is the bus address. The stack passes offsets that are multiples of 4 so
    // the address is word aligned (the DWC2 DMA address registers need it: RM0410 OTG_DIEPDMAx,
    // OTG_DOEPDMAx). At most one transfer per endpoint and direction is in flight.
    //
    // What each member must do:
    //
    // Start(scheduler, taskId): boot only. Reset and set up the controller in device mode
    //   (PHY, speed capability high speed, FIFO sizes for EP0..EP3 IN, DMA on), allocate the
    //   event queue (>= 16 events), enable the interrupts it needs (bus reset, enumeration
    //   done, suspend, resume/wakeup, IN / OUT endpoint interrupts, SETUP done), keep the device
    //   soft-disconnected (no pull-up). From now on each recorded event calls
    //   scheduler.Signal(taskId).
    //
    // Connect(): soft connect (pull-up on D+, RM0410 OTG_DCTL SDIS = 0): the host sees the device.
    // Disconnect(): soft disconnect (SDIS = 1). Events may still arrive; the stack ignores them.
    //
    // TryTakeEvent(out e): the oldest recorded event, removed from the queue; false (and e
    //   default) when the queue is empty. Events come out in the order they happened. What the
    //   port must do in its interrupt handler before recording each kind:
    //   BusReset: abandon every transfer in flight (no completion events for them), NAK all OUT
    //     endpoints, clear remote-wakeup signalling, set the device address to 0, deactivate
    //     every endpoint but EP0, flush the TX FIFOs; EP0 must be able to receive SETUPs again.
    //   EnumerationDone: read the speed (OTG_DSTS ENUMSPD), set EP0's max packet size to 64 and
    //     make EP0 OUT ready for SETUP packets; record Speed (Full or High).
    //   Suspend / Resume: just record them (no clock gating is asked for).
    //   Setup: EP0 OUT must always be able to take SETUP packets (in DMA mode: DOEPTSIZ0 STUPCNT
    //     = 3 and the DMA address of a port-owned 8-byte+ buffer, re-armed after every SETUP and
    //     after every EP0 OUT completion). On SETUP phase done record the 8 bytes of the last
    //     SETUP received. A SETUP ends any EP0 transfer still in flight in either direction
    //     without a completion event for it (the host abandoned that control transfer), and
    //     clears an EP0 stall (the hardware does this on DWC2).
    //   OutComplete: an ArmOut transfer ended: `length` bytes received, or a short packet (a
    //     zero-length one included) arrived. Length = bytes written into the slice.
    //   InComplete: all bytes of a StartIn transfer (or its zero-length packet) went out and
    //     were acknowledged by the host (XFRC).
    //   Disconnect: optional, when the port sees VBUS or the session go away.
    //   A full queue drops the new event and counts it in EventOverflows.
    //
    // EventOverflows: events dropped because the queue was full (never reset).
    //
    // SetAddress(address): the stack calls it when it has a SET_ADDRESS request (USB 2.0 9.4.6),
    //   before it starts that request's status stage (a zero-length IN on EP0). The new address
    //   must only take effect on the bus after that status stage: DWC2 handles this itself, so
    //   the port writes OTG_DCFG DAD at once; another controller would defer it to InComplete.
    //
    // OpenEndpoint(address, type, maxPacketSize): after SET_CONFIGURATION / SET_INTERFACE. Make
    //   the endpoint active with that type and max packet size, data toggle DATA0, not stalled,
    //   no transfer in flight (an OUT endpoint NAKs until ArmOut). Never called for EP0 (the port
    //   keeps EP0 open itself). False if the port cannot (number > 3, size too big).
    // CloseEndpoint(address): deactivate it; a transfer in flight is abandoned without a
    //   completion event; an IN endpoint's FIFO is flushed. Closing a closed endpoint is a no-op.
    //
    // Stall(address): answer STALL to the host's next tokens on that endpoint (USB 2.0 8.4.5).
    //   On EP0 (0x00 or 0x80) both directions stall, and the stall ends by itself with the next
    //   SETUP. On another endpoint it stays until ClearStall; a transfer in flight stays queued.
    // ClearStall(address): end the stall and reset the data toggle to DATA0 (USB 2.0 9.4.5,
    //   ClearFeature(ENDPOINT_HALT) also resets the toggle). Also valid on a non-stalled endpoint.
    //
    // StartIn(address, buffer, offset, length): send buffer[offset .. offset + length) on an IN
    //   endpoint, split into max-packet-size packets; length 0 sends one zero-length packet.
    //   The port never adds a zero-length packet by itself: the stack asks for one with a
    //   separate StartIn of length 0. On EP0 (0x80) length <= 64 (one packet: the stack splits
    //   longer control data itself); on other endpoints length <= 16384. False when
    //   the endpoint is not open or a transfer is already in flight on it; then nothing is sent.
    //   Ends with one InComplete event.
    //
    // ArmOut(address, buffer, offset, length): accept up to `length` bytes from the host into
    //   buffer[offset ..]; length is a positive multiple of the endpoint's max packet size (EP0:
    //   64, used for control OUT data stages and for the zero-length OUT status stage). Until
    //   this call an OUT endpoint NAKs. False when the endpoint is not open or already armed.
    //   Ends with one OutComplete event.
    public interface IUsbPort
    {
        void Start(Scheduler scheduler, int taskId);

        void Connect();
        void Disconnect();

        bool TryTakeEvent(out UsbEvent e);
        uint EventOverflows { get; }

        void SetAddress(byte address);

        bool OpenEndpoint(byte address, UsbEndpointType type, int maxPacketSize);
        void CloseEndpoint(byte address);

        void Stall(byte address);
        void ClearStall(byte address);

        bool StartIn(byte address, byte[] buffer, int offset, int length);
        bool ArmOut(byte address, byte[] buffer, int offset, int length);
    }
}
