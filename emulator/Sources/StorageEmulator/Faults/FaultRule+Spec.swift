/// The compact command-line form of a rule: `SERVICE:METHOD:PATH[:key=value]...`, for example
/// `blob:PUT:/devstoreaccount1/file-store/*:rate=0.1:kinds=500,503,reset:phase=before`.
///
/// SERVICE is blob, queue, table or `*`; METHOD an HTTP method or `*`; PATH a glob over the decoded path
/// (a path containing `:` needs the JSON form). Keys: `rate` (0...1, required), `kinds` (comma-separated,
/// required), `phase` (before|after, default before), `comp` (a `comp` query value, or `none`),
/// `latency` (ms, default 100), `retry-after` (s, default 1).
extension FaultRule {
    /// The syntax, for `--help` and error messages.
    public static let specSyntax =
        "SERVICE:METHOD:PATH:rate=R:kinds=K[,K...][:phase=before|after][:comp=OP|none][:latency=MS][:retry-after=S]"

    /// Parses one spec; errors name the part that is wrong and quote the whole spec.
    public init(spec: String) throws(EmulatorConfigurationError) {
        func fail(_ reason: String) -> EmulatorConfigurationError {
            EmulatorConfigurationError("fault spec '\(spec)': \(reason) (syntax: \(Self.specSyntax))")
        }
        let fields = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 3 else { throw fail("needs at least SERVICE:METHOD:PATH") }
        var rule = FaultRule(rate: -1, kinds: [])
        switch fields[0].lowercased() {
        case "*", "": rule.service = nil
        case let name:
            guard let kind = ServiceKind(rawValue: name) else {
                throw fail("unknown service '\(fields[0])' (expected blob, queue, table or *)")
            }
            rule.service = kind
        }
        rule.method = fields[1] == "*" || fields[1].isEmpty ? nil : fields[1].uppercased()
        rule.path = fields[2].isEmpty ? "*" : fields[2]
        var sawRate = false, sawKinds = false
        for field in fields.dropFirst(3) {
            guard let equals = field.firstIndex(of: "=") else { throw fail("'\(field)' is not key=value") }
            let key = field[..<equals].lowercased(), value = String(field[field.index(after: equals)...])
            switch key {
            case "rate":
                guard let rate = Double(value) else { throw fail("rate '\(value)' is not a number") }
                rule.rate = rate
                sawRate = true
            case "kinds", "kind":
                rule.kinds = try value.split(separator: ",").map { name throws(EmulatorConfigurationError) in
                    guard let kind = FaultKind(rawValue: name.lowercased()) else { throw fail(Self.unknownKind(String(name))) }
                    return kind
                }
                sawKinds = true
            case "phase":
                guard let phase = FaultPhase(rawValue: value.lowercased()) else {
                    throw fail("phase '\(value)' is not before or after")
                }
                rule.phase = phase
            case "comp", "op": rule.comp = value.isEmpty ? nil : value
            case "latency":
                guard let ms = Int(value) else { throw fail("latency '\(value)' is not a whole number of milliseconds") }
                rule.latencyMilliseconds = ms
            case "retry-after", "retryafter":
                guard let seconds = Int(value) else { throw fail("retry-after '\(value)' is not a whole number of seconds") }
                rule.retryAfterSeconds = seconds
            default:
                throw fail("unknown key '\(key)' (expected rate, kinds, phase, comp, latency, retry-after)")
            }
        }
        guard sawRate else { throw fail("rate= is missing") }
        guard sawKinds else { throw fail("kinds= is missing") }
        do {
            try rule.validate()
        } catch {
            throw fail(error.description)
        }
        self = rule
    }

    static func unknownKind(_ name: String) -> String {
        "unknown fault kind '\(name)' (expected \(FaultKind.allCases.map(\.rawValue).joined(separator: ", ")))"
    }
}
