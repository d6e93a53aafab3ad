namespace ChargePoint.Core.Usb
{
    // What UsbDevice.Poll hands the function (the class driver) after it handled chapter 9 itself.
    public enum UsbDeviceEventKind : byte
    {
        None = 0,
        // SET_CONFIGURATION 1: the function's endpoints are (re)opened for UsbDevice.Speed, with
        // data toggles at DATA0 and nothing in flight. Sent again on a repeated SET_CONFIGURATION.
        Configured = 1,
        // Bus reset, SET_CONFIGURATION 0 or a disconnect: the endpoints are closed and every
        // transfer on them is abandoned (no completion events follow).
        Deconfigured = 2,
        // A class or vendor request addressed to an interface or endpoint. Answer it before the next
        // Poll with ControlReply, ControlAcknowledge or ControlStall (else the device stalls it).
        // Host-to-device data (at most UsbDevice.MaxControlOutLength bytes) is in ControlData.
        Request = 3,
        InComplete = 4,  // a StartIn on a function endpoint went out; Endpoint
        OutComplete = 5, // an ArmOut on a function endpoint ended; Endpoint, Length
    }
}
