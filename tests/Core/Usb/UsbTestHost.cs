using System;
using System.Collections.Generic;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.Usb;

namespace ChargePoint.Tests.Core.Usb
{
    // The outcome of one control transfer as the host saw it.
    public sealed class ControlResult
    {
        public bool Stalled;
        public string Error;           // the device broke the protocol (no answer, no status stage, ...)
        public byte[] Data = new byte[0];
        public readonly List<int> Packets = new List<int>(); // data stage packet lengths
        public bool Ok => !Stalled && Error == null;

        public override string ToString() => Stalled ? "STALL" : Error ?? $"OK {Data.Length} bytes";
    }

    // A board with the USB stack on a FakeUsbPort, and a host that drives it the way Linux's USB
    // core does: a control transfer is SETUP, then IN packets until a short one or wLength, then
    // a zero-length OUT status (or OUT data, then a zero-length IN status). The device's task runs
    // through the real scheduler, woken by the port's events as the interrupt handler would.
    public sealed class UsbTestHost
    {
        public static readonly byte[] UniqueId = { 0x1F, 0x00, 0x3A, 0x00, 0x0B, 0x51, 0x37, 0x30, 0x34, 0x38, 0x39, 0xC7 };
        public const string SerialText = "1F003A000B513730343839C7";

        public readonly FakeClock Clock = new FakeClock();
        public readonly Scheduler Scheduler;
        public readonly FakeUsbPort Port = new FakeUsbPort();
        public readonly UsbDevice Device;
        public readonly CdcAcm Cdc;
        public readonly int TaskId;
        public byte AssignedAddress = 7;

        public UsbTestHost(int transferBytes = CdcAcm.DefaultTransferBytes, string product = "SharpCharge Session Log")
        {
            Scheduler = new Scheduler(Clock, 4);
            Device = new UsbDevice(Port, UniqueId, Ascii("SharpCharge"), Ascii(product));
            Cdc = new CdcAcm(Device, transferBytes);
            TaskId = Scheduler.Add(Cdc);
            Cdc.Start(Scheduler, TaskId);
            Scheduler.Start();
        }

        public static byte[] Ascii(string text)
        {
            var bytes = new byte[text.Length];
            for (int i = 0; i < text.Length; i++) bytes[i] = (byte)text[i];
            return bytes;
        }

        // Runs whatever the events woke (bounded, so a task that keeps signalling itself shows).
        public void Run()
        {
            for (int i = 0; i < 100 && Scheduler.RunDue() > 0; i++) { }
        }

        public static ulong Packet(byte requestType, byte request, int value, int index, int length) =>
            new UsbSetup { RequestType = requestType, Request = request, Value = (ushort)value, Index = (ushort)index, Length = (ushort)length }.ToPacket();

        public ControlResult ControlIn(byte requestType, byte request, int value, int index, int length)
        {
            var result = new ControlResult();
            Port.Setup(Packet(requestType, request, value, index, length));
            Run();
            var data = new List<byte>();
            var packet = new byte[64];
            if (length == 0)
            {
                // No data stage: the status stage is a zero-length IN.
                return Status(result, 0x80);
            }
            while (true)
            {
                if (Port.Ep0Stalled) { result.Stalled = true; return result; }
                if (!Port.TakeIn(0x80, packet, out int n)) { result.Error = $"no IN data after {data.Count} bytes"; return result; }
                if (n > 64) { result.Error = $"EP0 packet of {n} bytes"; return result; }
                result.Packets.Add(n);
                for (int i = 0; i < n; i++) data.Add(packet[i]);
                Run();
                if (data.Count > length) { result.Error = $"{data.Count} bytes for wLength {length}"; return result; }
                if (n < 64 || data.Count == length) break;
            }
            result.Data = data.ToArray();
            if (Port.Ep0Stalled) { result.Stalled = true; return result; }
            // Status stage: the host's zero-length OUT.
            if (!Port.GiveOut(0x00, ReadOnlySpan<byte>.Empty)) { result.Error = "EP0 OUT not armed for the status stage"; return result; }
            Run();
            return result;
        }

        public ControlResult ControlOut(byte requestType, byte request, int value, int index, byte[] data = null)
        {
            var result = new ControlResult();
            int length = data == null ? 0 : data.Length;
            Port.Setup(Packet(requestType, request, value, index, length));
            Run();
            if (length > 0)
            {
                if (Port.Ep0Stalled) { result.Stalled = true; return result; }
                if (!Port.GiveOut(0x00, data)) { result.Error = "EP0 OUT not armed for the data stage"; return result; }
                Run();
            }
            return Status(result, 0x80);
        }

        private ControlResult Status(ControlResult result, byte endpoint)
        {
            if (Port.Ep0Stalled) { result.Stalled = true; return result; }
            var none = new byte[64];
            if (!Port.TakeIn(endpoint, none, out int n)) { result.Error = "no status stage"; return result; }
            if (n != 0) { result.Error = $"status stage of {n} bytes"; return result; }
            Run();
            return result;
        }

        public ControlResult GetDescriptor(int type, int index, int length, int languageId = 0) =>
            ControlIn(0x80, 6, type << 8 | index, languageId, length);

        public static readonly byte[] LineCoding115200 = { 0x00, 0xC2, 0x01, 0x00, 0x00, 0x00, 0x08 };

        // Linux 6.x: hub_port_init's "new scheme" (64-byte device descriptor read at address 0, a
        // second reset, SET_ADDRESS, the 18-byte read), usb_get_configuration (9 bytes, then all),
        // the strings with wLength 255, the qualifier for a high-speed device, then usb_set_configuration;
        // then cdc-acm's open: line coding and DTR/RTS.
        public Enumeration Enumerate(UsbSpeed speed, bool open = true)
        {
            var e = new Enumeration();
            Port.BusReset(speed);
            Run();
            e.First64 = GetDescriptor(UsbDescriptorType.Device, 0, 64);
            Port.BusReset(speed);
            Run();
            e.SetAddress = ControlOut(0x00, 5, AssignedAddress, 0);
            e.Device = GetDescriptor(UsbDescriptorType.Device, 0, 18);
            e.ConfigurationHead = GetDescriptor(UsbDescriptorType.Configuration, 0, 9);
            int total = e.ConfigurationHead.Data.Length >= 4 ? e.ConfigurationHead.Data[2] | e.ConfigurationHead.Data[3] << 8 : 9;
            e.Configuration = GetDescriptor(UsbDescriptorType.Configuration, 0, total);
            e.Languages = GetDescriptor(UsbDescriptorType.String, 0, 255);
            e.Serial = GetDescriptor(UsbDescriptorType.String, UsbDevice.SerialNumberString, 255, 0x0409);
            e.Product = GetDescriptor(UsbDescriptorType.String, UsbDevice.ProductString, 255, 0x0409);
            e.Manufacturer = GetDescriptor(UsbDescriptorType.String, UsbDevice.ManufacturerString, 255, 0x0409);
            if (speed == UsbSpeed.High) e.Qualifier = GetDescriptor(UsbDescriptorType.DeviceQualifier, 0, 10);
            e.SetConfiguration = ControlOut(0x00, 9, 1, 0);
            if (open)
            {
                e.SetLineCoding = ControlOut(0x21, 0x20, 0, 0, LineCoding115200);
                e.SetControlLineState = ControlOut(0x21, 0x22, 3, 0);
            }
            return e;
        }

        public sealed class Enumeration
        {
            public ControlResult First64, SetAddress, Device, ConfigurationHead, Configuration, Languages,
                Serial, Product, Manufacturer, Qualifier, SetConfiguration, SetLineCoding, SetControlLineState;

            public IEnumerable<(string, ControlResult)> All()
            {
                yield return ("first 64", First64);
                yield return ("SET_ADDRESS", SetAddress);
                yield return ("device", Device);
                yield return ("configuration 9", ConfigurationHead);
                yield return ("configuration", Configuration);
                yield return ("string 0", Languages);
                yield return ("serial", Serial);
                yield return ("product", Product);
                yield return ("manufacturer", Manufacturer);
                if (Qualifier != null) yield return ("qualifier", Qualifier);
                yield return ("SET_CONFIGURATION", SetConfiguration);
                if (SetLineCoding != null) yield return ("SET_LINE_CODING", SetLineCoding);
                if (SetControlLineState != null) yield return ("SET_CONTROL_LINE_STATE", SetControlLineState);
            }
        }

        // The host reads the bulk IN transfer in flight (if any) and acknowledges it.
        public bool ReadBulk(List<byte> into, out int length)
        {
            var buffer = new byte[CdcAcm.MaxTransferBytes];
            if (!Port.TakeIn(CdcAcm.DataInEndpoint, buffer, out length)) return false;
            for (int i = 0; i < length; i++) into.Add(buffer[i]);
            Run();
            return true;
        }
    }
}
