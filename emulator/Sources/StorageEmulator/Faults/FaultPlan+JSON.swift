/// The JSON form of a plan, shared by `--faults-file` and the admin endpoint:
///
/// ```json
/// {"seed": 42, "rules": [{"service": "blob", "method": "PUT", "path": "/devstoreaccount1/file-store/*",
///   "comp": "block", "rate": 0.1, "kinds": ["500", "503", "reset"], "phase": "before",
///   "latencyMs": 100, "retryAfter": 1}]}
/// ```
///
/// Every rule member but `rate` and `kinds` is optional; unknown members are errors, so a typo never silently
/// turns a rule into one that matches everything.
extension FaultPlan {
    /// Parses a plan; `defaultSeed` is used when the document has no `seed`.
    public init(json bytes: some Collection<UInt8>, defaultSeed: UInt64 = 0) throws(EmulatorConfigurationError) {
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw EmulatorConfigurationError("fault plan: invalid JSON: \(error)")
        }
        guard case .object(let members) = document else { throw EmulatorConfigurationError("fault plan: not a JSON object") }
        var plan = FaultPlan(seed: defaultSeed)
        for (name, value) in members {
            switch (name, value) {
            case ("seed", .number(let text)), ("seed", .string(let text)):
                guard let seed = UInt64(text) else {
                    throw EmulatorConfigurationError("fault plan: seed \(text) is not a whole number in 0...2^64-1")
                }
                plan.seed = seed
            case ("rules", .array(let rules)):
                for (index, rule) in rules.enumerated() { plan.rules.append(try FaultRule(json: rule, index: index)) }
            case ("counters", _): continue  // what GET returns can be PUT back unchanged
            default: throw EmulatorConfigurationError("fault plan: unexpected member '\(name)' (expected seed, rules)")
            }
        }
        self = plan
    }

    /// The plan as JSON, with the injector's counters when given (what the admin endpoint's GET returns).
    func json(counters: FaultCounters? = nil) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("seed", raw: String(seed))
        writer.beginArray("rules")
        for rule in rules {
            writer.beginObject()
            writer.member("service", rule.service?.rawValue ?? "*")
            writer.member("method", rule.method ?? "*")
            writer.member("path", rule.path)
            if let comp = rule.comp { writer.member("comp", comp) }
            writer.member("rate", raw: String(rule.rate))
            writer.key("kinds")
            writer.beginArrayValue()
            for kind in rule.kinds { writer.element(kind.rawValue) }
            writer.endArray()
            writer.member("phase", rule.phase.rawValue)
            writer.member("latencyMs", raw: String(rule.latencyMilliseconds))
            writer.member("retryAfter", raw: String(rule.retryAfterSeconds))
            writer.endObject()
        }
        writer.endArray()
        if let counters {
            writer.key("counters")
            writer.beginObject()
            writer.member("requests", raw: String(counters.requests))
            writer.member("injected", raw: String(counters.injected.values.reduce(0, +)))
            writer.key("byKind")
            writer.beginObject()
            for kind in FaultKind.allCases { writer.member(kind.rawValue, raw: String(counters.injected[kind] ?? 0)) }
            writer.endObject()
            writer.endObject()
        }
        writer.endObject()
        return writer.text
    }
}

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
