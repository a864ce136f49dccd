import AzureWire

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
        let members = try EmulatorConfigurationError.members(ofJSONObject: bytes, what: "fault plan")
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
