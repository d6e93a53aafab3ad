namespace Internal.Runtime.CompilerHelpers
{
    // ilc requires the type; module start-up is driven by native/startup.c instead.
    internal static class StartupCodeHelpers { }
}
