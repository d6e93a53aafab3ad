namespace ChargePoint.Core.Config
{
    // Where the effective settings came from (ConfigBlock.Load, the `config` command).
    public enum ConfigSource
    {
        // The board defaults: no block was written.
        Defaults,
        // The board defaults with the block's keys over them.
        Block,
        // The board defaults because something was wrong (a rejected block, or broken defaults): the
        // boot log has the error line.
        DefaultsAfterError,
    }
}
