namespace ChargePoint.Core.Net
{
    // Whether the network is up enough for the charge point to connect: an address, the central
    // system's host looked up once, the clock attempt made (the boot sequence of the Zephyr sample).
    public interface INetworkStatus
    {
        bool IsReady { get; }
    }
}
