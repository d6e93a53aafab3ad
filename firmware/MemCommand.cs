using System;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Shell;
using Internal.Runtime;

namespace ChargePoint
{
    // mem: the boot heap, and whether it is sealed (it always is once the console answers).
    public sealed class MemCommand : IShellCommand
    {
        public ReadOnlySpan<byte> Name => "mem"u8;
        public ReadOnlySpan<byte> Help => "heap used and free, and whether it is sealed"u8;

        public void Run(ReadOnlySpan<byte> arguments, Logger reply) =>
            reply.BeginText().Append("heap "u8).Append(Heap.Used).Append(" bytes used, "u8).Append(Heap.Free)
                .Append(" free of "u8).Append(Heap.Size).Append(Heap.IsSealed ? ", sealed"u8 : ", not sealed"u8).End();
    }
}
