using ChargePoint.Core.Ocpp;

namespace ChargePoint.Drivers
{
    // OCPP's Reset on this core: SCB AIRCR.SYSRESETREQ (ARMv7-M ARM B3.2.6, native/persist.c). It
    // restarts the whole chip, so Soft and Hard are the same here; QEMU reloads the image.
    public sealed class SystemReset : ISystemReset
    {
        public void Restart(bool hard) => Native.SystemReset();
    }
}
