/// One answered request, as the pipeline saw it: what a ledger needs to count it by Azure's price classes.
/// Requests that got no HTTP answer are not reported: Azure bills what it answered.
package struct RequestRecord: Sendable, Equatable {
    package var service: StorageService
    /// Azure's logged operation name (`PutBlob`).
    package var operation: String
    package var billingClass: BillingClass
    /// The access tier the request named (`x-ms-access-tier` on a write), else nil: the account's default.
    package var tier: String?
    package var status: Int

    package init(service: StorageService, operation: String, billingClass: BillingClass, tier: String?, status: Int) {
        self.service = service
        self.operation = operation
        self.billingClass = billingClass
        self.tier = tier
        self.status = status
    }
}

/// Told about every answered request, once per attempt (a retried request is billed twice). The pipeline calls
/// it inline, so an implementation must only record and return.
package protocol RequestObserver: Sendable {
    func observe(_ record: RequestRecord)
}
