import ArgumentParser
import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import StorageEmulator

/// `ironviper-emulator`: an Azurite-compatible Azure Storage emulator, with Azurite's flags.
@main
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ironviper-emulator",
        abstract: "An Azure Storage emulator (Blob, Queue, Table) compatible with Azurite and the Azure SDKs.",
        discussion: """
            Serves path-style URLs such as http://127.0.0.1:10000/devstoreaccount1/container/blob with the
            well-known development account (connection string: UseDevelopmentStorage=true). Extra accounts come
            from AZURITE_ACCOUNTS="name:key1[:key2];...". Port 0 picks a free port; each service prints a line
            "<Service> service is successfully listening at http://HOST:PORT" once it accepts requests.

            Fault injection (beyond Azurite). --faults SPEC (repeatable) adds a rule:
              SERVICE:METHOD:PATH:rate=R:kinds=K[,K...][:phase=before|after]
                [:comp=OP|none][:latency=MS][:retry-after=S]
            SERVICE is blob, queue, table or *; METHOD an HTTP method or *;
            PATH a glob over the decoded path (* crosses slashes). Kinds:
              500, 503 (with Retry-After), 408  Azure's error responses
              reset           connection reset, no response
              reset-mid-body  request body half read, then reset (a read:
                              the head and half the body, then reset)
              truncate        full head, part of the body, then close
              latency         a delay, then served normally
            phase=before: the operation is not applied. phase=after: it is
            applied, then its response is replaced. comp=block matches
            ?comp=block; comp=none requests without comp. The first rule that
            matches and strikes decides. Example:
              --faults 'blob:PUT:*/file-store/*:rate=0.1:kinds=500,503,reset'
            --faults-file FILE.json: {"seed": N, "rules": [{"service", "method",
            "path", "comp", "rate", "kinds", "phase", "latencyMs", "retryAfter"}]}.
            --faults-seed N replays a run: the same seed and the same sequence
            of requests meet the same faults (without it, a seed is drawn and
            printed). At run time, from loopback only, on every service's port:
              GET / PUT / DELETE http://127.0.0.1:PORT/_ironviper/faults
            shows the plan and its counters / replaces it (JSON) / clears it.

            Account features (Azure switches them in its management plane).
            --account-config FILE.json: {"devstoreaccount1": {"blob": {
              "versioning": true, "versionLevelImmutability": true,
              "deleteRetentionDays": 7, "containerDeleteRetentionDays": 7}}}
            (deleteRetentionSeconds / containerDeleteRetentionSeconds override
            the days, for tests). --versioning: versioning for every account
            the file does not name.
            """)

    @Option(name: [.customShort("l"), .customLong("location")], help: "Directory for the emulator's data.")
    var location: String = "."
    @Option(name: .customLong("blobHost"), help: "Address the Blob service listens on.") var blobHost = "127.0.0.1"
    @Option(name: .customLong("blobPort"), help: "Blob service port (0: any free port).") var blobPort = 10000
    @Option(name: .customLong("queueHost"), help: "Address the Queue service listens on.") var queueHost = "127.0.0.1"
    @Option(name: .customLong("queuePort"), help: "Queue service port (0: any free port).") var queuePort = 10001
    @Option(name: .customLong("tableHost"), help: "Address the Table service listens on.") var tableHost = "127.0.0.1"
    @Option(name: .customLong("tablePort"), help: "Table service port (0: any free port).") var tablePort = 10002
    @Option(name: .customLong("services"), help: "Comma-separated services to run: blob,queue,table.")
    var services: String = "blob,queue,table"
    @Flag(name: .customLong("inMemoryPersistence"), help: "Keep all data in memory; nothing is written to disk.")
    var inMemoryPersistence = false
    @Flag(name: [.customShort("s"), .customLong("silent")], help: "No access log.") var silent = false
    @Option(name: [.customShort("d"), .customLong("debug")], help: "Append a log of every request to this file.")
    var debug: String?
    @Flag(name: [.customShort("L"), .customLong("loose")], help: "Accepted for Azurite compatibility.") var loose = false
    @Flag(name: .customLong("skipApiVersionCheck"), help: "Accepted for Azurite compatibility: any x-ms-version is accepted.")
    var skipApiVersionCheck = false
    @Option(name: .customLong("faults"), help: ArgumentHelp("Inject faults by a rule (repeatable; syntax above).", valueName: "spec"))
    var faults: [String] = []
    @Option(name: .customLong("faults-file"), help: ArgumentHelp("Inject the faults of a JSON plan.", valueName: "file"))
    var faultsFile: String?
    @Option(name: .customLong("faults-seed"), help: "Seed of the fault decisions, to replay a run exactly.")
    var faultsSeed: UInt64?
    @Flag(name: .customLong("metrics"), help: "Serve Prometheus metrics at /metrics on every service's port.")
    var metrics = false
    @Option(
        name: .customLong("account-config"),
        help: ArgumentHelp("Per-account blob features (versioning, soft delete, immutability) from a JSON file.", valueName: "file"))
    var accountConfig: String?
    @Flag(name: .customLong("versioning"), help: "Blob versioning for every account (what --account-config does not name).")
    var versioning = false

    func run() async throws {
        var configuration = EmulatorConfiguration()
        configuration.blob = .init(host: blobHost, port: blobPort)
        configuration.queue = .init(host: queueHost, port: queuePort)
        configuration.table = .init(host: tableHost, port: tablePort)
        configuration.location = inMemoryPersistence ? nil : location
        configuration.silent = silent
        configuration.debugLogPath = debug
        configuration.loose = loose
        configuration.skipApiVersionCheck = skipApiVersionCheck
        configuration.metrics = metrics
        configuration.services = try Set(
            services.split(separator: ",").map { name in
                guard let kind = ServiceKind(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                    throw ValidationError("unknown service '\(name)' in --services (expected blob, queue, table)")
                }
                return kind
            })
        configuration.faults = try faultPlan()
        if let extra = ProcessInfo.processInfo.environment["AZURITE_ACCOUNTS"] {
            configuration.accounts = try StorageAccount.parseAccounts(extra)
            if !configuration.accounts.contains(where: { $0.name == StorageAccount.developmentAccountName }) {
                configuration.accounts.append(.development)
            }
        }
        configuration.accountFeatures = try accountFeatures(accounts: configuration.accounts)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "ironviper.emulator")
        let started = ContinuousClock.now
        let pending = NIOLockedValueBox(0)
        var emulator: StorageEmulator?
        emulator = try StorageEmulator(configuration: configuration, logger: logger) { kind, host, port in
            // Unbuffered, so a parent process waiting for these lines sees them at once.
            var lines = "\(kind) service is successfully listening at http://\(host):\(port)\n"
            if pending.withLockedValue({ count in
                count -= 1
                return count == 0
            }) {
                let elapsed = ContinuousClock.now - started
                lines += "ironviper-emulator ready in \(elapsed.components.attoseconds / 1_000_000_000_000_000) ms\n"
            }
            FileHandle.standardOutput.write(Data(lines.utf8))
        }
        guard let emulator else { return }
        if !configuration.faults.rules.isEmpty {
            FileHandle.standardOutput.write(Data(
                "fault injection: \(configuration.faults.rules.count) rule(s), seed \(configuration.faults.seed) (replay with --faults-seed \(configuration.faults.seed))\n".utf8))
        }
        pending.withLockedValue { $0 = emulator.serviceCount }
        let group = ServiceGroup(
            configuration: .init(services: [emulator], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The features of `--account-config`; `--versioning` switches versioning on for every account it leaves out.
    func accountFeatures(accounts: [StorageAccount]) throws -> [String: AccountFeatures] {
        var features: [String: AccountFeatures] = [:]
        if let accountConfig {
            guard let data = FileManager.default.contents(atPath: accountConfig) else {
                throw ValidationError("--account-config \(accountConfig): cannot be read")
            }
            do {
                features = try AccountFeatures.parse(json: data)
            } catch {
                throw ValidationError("--account-config \(accountConfig): \(error.description)")
            }
        }
        if versioning {
            for account in accounts where features[account.name] == nil {
                features[account.name] = AccountFeatures(blob: BlobFeatures(versioning: true))
            }
        }
        return features
    }

    /// The plan from `--faults-file` and `--faults` (file rules first), seeded by `--faults-seed` or at random.
    func faultPlan() throws -> FaultPlan {
        var plan = FaultPlan(seed: faultsSeed ?? UInt64.random(in: 0...UInt64(UInt32.max)))
        if let faultsFile {
            guard let data = FileManager.default.contents(atPath: faultsFile) else {
                throw ValidationError("--faults-file \(faultsFile): cannot be read")
            }
            do {
                plan = try FaultPlan(json: data, defaultSeed: plan.seed)
            } catch {
                throw ValidationError("--faults-file \(faultsFile): \(error.description)")
            }
            if let faultsSeed { plan.seed = faultsSeed }
        }
        for spec in faults {
            do {
                plan.rules.append(try FaultRule(spec: spec))
            } catch {
                throw ValidationError("--faults: \(error.description)")
            }
        }
        return plan
    }
}
