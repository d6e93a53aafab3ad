using System;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Shell;
using Internal.Runtime;

namespace ChargePoint
{
    // mem: the boot heap, and whether it is sealed (it always is once the console answers).
    public sealed class MemCommand : IShellCommand
    {
        public string Name => "mem";
        public string Help => "heap used and free, and whether it is sealed";

        public void Run(ReadOnlySpan<byte> arguments, Logger reply) =>
            reply.BeginText().Append("heap ").Append(Heap.Used).Append(" bytes used, ").Append(Heap.Free)
                .Append(" free of ").Append(Heap.Size).Append(Heap.IsSealed ? ", sealed" : ", not sealed").End();
    }
}
