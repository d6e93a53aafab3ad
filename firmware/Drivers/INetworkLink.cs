using System;
using ChargePoint.Core.Scheduling;

namespace ChargePoint.Drivers
{
    // An Ethernet controller as the lwIP binding sees it: whole frames in and out (destination MAC
    // first, no FCS), a MAC address and a link state. Lan9118 (QEMU) and Stm32Eth (the board)
    // implement it. The interrupt handler only moves received frames into the driver's ring of
    // frame buffers (allocated at Start) and signals the owning task; the task takes them with
    // Receive.
    public interface INetworkLink
    {
        // 6 bytes, valid after Start.
        ReadOnlySpan<byte> MacAddress { get; }

        bool IsLinkUp { get; }

        // Frames the driver had to drop: its receive ring was full, or the controller reported an
        // overrun or a bad frame.
        uint ReceiveDrops { get; }

        // Boot only: reset the controller, program the MAC, allocate buffers, enable its interrupt.
        // From then on a received frame or a link change calls scheduler.Signal(taskId).
        void Start(Scheduler scheduler, int taskId);

        // Task context: copies the oldest received frame into `frame` and returns its length;
        // 0 when none is waiting. A frame longer than `frame` is dropped (and counted).
        int Receive(Span<byte> frame);

        // Task context: queues one frame for sending (60..1514 bytes; shorter ones are padded).
        // False when the controller has no room now (the caller counts a drop; TCP resends).
        bool Transmit(ReadOnlySpan<byte> frame);

        // Task context, about once a second: reads the PHY's link state (MDIO or the controller's
        // status). True when IsLinkUp changed since the last call.
        bool PollLink();

        // Interrupt context: the controller's interrupt line fired.
        void HandleInterrupt();
    }
}
