import HTTPTypes

/// One line of a fault plan: which requests it applies to, how often it strikes, and with what.
public struct FaultRule: Sendable, Equatable {
    /// The service it applies to; nil for every service.
    public var service: ServiceKind?
    /// The HTTP method (upper case); nil for every method.
    public var method: String?
    /// A glob over the decoded request path (`/ACCOUNT/CONTAINER/BLOB`); `*` crosses slashes.
    public var path: String
    /// The `comp` query value the request must carry (`block`, `blocklist`...); `none` for requests without one
    /// (a plain Put Blob or Get Blob); nil for any.
    public var comp: String?
    /// The probability (0...1) that a matching request gets a fault.
    public var rate: Double
    /// The faults to choose from, with equal odds, when the rule strikes.
    public var kinds: [FaultKind]
    /// Whether the operation is applied before the fault hides its outcome.
    public var phase: FaultPhase
    /// The delay of a `latency` fault.
    public var latencyMilliseconds: Int
    /// The `Retry-After` seconds of a `503`.
    public var retryAfterSeconds: Int

    /// A rule; by default it matches every request and strikes before the operation.
    public init(
        service: ServiceKind? = nil, method: String? = nil, path: String = "*", comp: String? = nil, rate: Double,
        kinds: [FaultKind], phase: FaultPhase = .before, latencyMilliseconds: Int = 100, retryAfterSeconds: Int = 1
    ) {
        self.service = service
        self.method = method?.uppercased()
        self.path = path
        self.comp = comp
        self.rate = rate
        self.kinds = kinds
        self.phase = phase
        self.latencyMilliseconds = latencyMilliseconds
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// Whether the rule applies to a request (before any dice are rolled).
    func matches(service: ServiceKind, method: String, path: String, comp: String?) -> Bool {
        if let wanted = self.service, wanted != service { return false }
        if let wanted = self.method, wanted != method { return false }
        if let wanted = self.comp {
            if wanted == "none" {
                if comp != nil { return false }
            } else if comp?.lowercased() != wanted.lowercased() {
                return false
            }
        }
        return FaultGlob(self.path).matches(path)
    }

    /// Checks the values a parser cannot: names the first thing wrong.
    func validate() throws(EmulatorConfigurationError) {
        guard rate >= 0 && rate <= 1 && !rate.isNaN else {
            throw EmulatorConfigurationError("fault rule: rate=\(rate) is not between 0 and 1")
        }
        guard !kinds.isEmpty else { throw EmulatorConfigurationError("fault rule: kinds is empty (name at least one)") }
        guard latencyMilliseconds >= 0 else {
            throw EmulatorConfigurationError("fault rule: latency=\(latencyMilliseconds) ms is negative")
        }
        guard retryAfterSeconds >= 0 else {
            throw EmulatorConfigurationError("fault rule: retry-after=\(retryAfterSeconds) is negative")
        }
        if let method, HTTPRequest.Method(method) == nil {
            throw EmulatorConfigurationError("fault rule: method '\(method)' is not an HTTP method")
        }
        guard !path.isEmpty else { throw EmulatorConfigurationError("fault rule: path is empty (use * for any)") }
    }
}
