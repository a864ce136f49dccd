/// One logical Azure Storage operation before it is dated, signed and sent (perhaps several times).
struct StorageCall: Sendable {
    /// Azure's name for the operation (`PutBlock`), for errors and logs.
    var operation: String
    /// What it acts on (`file-store/3f2a…`), for errors and logs.
    var target: String
    var method: String
    var url: ResourceURL
    var headers = HTTPHeaders()
    var body: RequestBody = .empty
    var sink: ResponseSink = .memory
    /// Safe to send again after it may have reached the server (same result if applied twice).
    var idempotent: Bool
    var service: StorageService
    /// The tier a write is billed at when the request names none (Set Blob Immutability Policy acts on a blob whose
    /// tier the caller knows); a request's own `x-ms-access-tier` wins.
    var billingTier: AccessTier?

    init(
        _ operation: String, target: String, method: String, url: ResourceURL, service: StorageService,
        idempotent: Bool? = nil
    ) {
        self.operation = operation
        self.target = target
        self.method = method
        self.url = url
        self.service = service
        // GET, HEAD, PUT and DELETE are idempotent in Azure Storage; POST (queue put, table insert) is not.
        self.idempotent = idempotent ?? (method != "POST")
    }
}
