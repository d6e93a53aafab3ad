namespace ChargePoint.Core
{
    // Random numbers for protocol needs (WebSocket masking keys and handshake nonces, OCPP message
    // ids, reconnect jitter): not cryptographic. The device seeds XorShiftRandom from its MAC
    // address and the microsecond clock; host tests use a fixed seed.
    public interface IRandom
    {
        uint NextUInt32();
    }
}
