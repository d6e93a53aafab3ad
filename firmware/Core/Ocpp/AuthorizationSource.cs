namespace ChargePoint.Core.Ocpp
{
    // Who decided an authorization (OcppChargePoint.AuthorizedBy): the central system's
    // Authorize.conf, the Authorization Cache (LocalPreAuthorize online, LocalAuthorizeOffline
    // offline: OCPP 1.6 3.5), or Unknown Offline Authorization (AllowOfflineTxForUnknownId, 3.5.4).
    public enum AuthorizationSource
    {
        None,
        CentralSystem,
        Cache,
        UnknownOffline,
    }
}
