import AzureWire

/// One rule of a plan's JSON form (see `FaultPlan+JSON.swift`).
extension FaultRule {
    init(json: JSONValue, index: Int) throws(EmulatorConfigurationError) {
        func fail(_ reason: String) -> EmulatorConfigurationError {
            EmulatorConfigurationError("fault plan: rules[\(index)]: \(reason)")
        }
        guard case .object(let members) = json else { throw fail("not a JSON object") }
        var rule = FaultRule(rate: -1, kinds: [])
        var sawRate = false, sawKinds = false
        for (name, value) in members {
            switch (name, value) {
            case ("service", .string(let text)):
                if text == "*" { rule.service = nil; continue }
                guard let kind = ServiceKind(rawValue: text.lowercased()) else {
                    throw fail("unknown service '\(text)' (expected blob, queue, table or *)")
                }
                rule.service = kind
            case ("method", .string(let text)): rule.method = text == "*" ? nil : text.uppercased()
            case ("path", .string(let text)): rule.path = text
            case ("comp", .string(let text)): rule.comp = text
            case ("comp", .null): rule.comp = nil
            case ("rate", .number(let text)):
                guard let rate = Double(text) else { throw fail("rate \(text) is not a number") }
                rule.rate = rate
                sawRate = true
            case ("kinds", .array(let kinds)):
                rule.kinds = try kinds.map { kind throws(EmulatorConfigurationError) in
                    let name: String
                    switch kind {
                    case .string(let text), .number(let text): name = text
                    default: throw fail("kinds holds something that is not a name")
                    }
                    guard let parsed = FaultKind(rawValue: name.lowercased()) else { throw fail(Self.unknownKind(name)) }
                    return parsed
                }
                sawKinds = true
            case ("phase", .string(let text)):
                guard let phase = FaultPhase(rawValue: text.lowercased()) else { throw fail("phase '\(text)' is not before or after") }
                rule.phase = phase
            case ("latencyMs", .number(let text)):
                guard let ms = Int(text) else { throw fail("latencyMs \(text) is not a whole number") }
                rule.latencyMilliseconds = ms
            case ("retryAfter", .number(let text)):
                guard let seconds = Int(text) else { throw fail("retryAfter \(text) is not a whole number") }
                rule.retryAfterSeconds = seconds
            default:
                throw fail(
                    "unexpected member '\(name)' or wrong type (expected service, method, path, comp, rate, kinds, phase, latencyMs, retryAfter)")
            }
        }
        guard sawRate else { throw fail("rate is missing") }
        guard sawKinds else { throw fail("kinds is missing") }
        do {
            try rule.validate()
        } catch {
            throw fail(error.description)
        }
        self = rule
    }
}
