import AzureStorage
import Catalog
import Ingest
import Foundation
import Logging
import Synchronization
import Sync
import UnixSignals
import Watcher

/// One configuration's worth of running: the watcher over every library, the reconcile scan, the
/// ingest of what the watcher reports, the sync engine, systemd's watchdog and the status file. A
/// valid `SIGHUP` ends the session with the new configuration (the daemon starts the next one); an
/// invalid one is logged and ignored. Cancellation (SIGTERM) stops watching and lets work in flight
/// finish; anything not done stays in the outbox for the next start.
final class DaemonSession: Sendable {
    enum Outcome: Sendable {
        case stopped
        case reload(DaemonConfiguration)
    }

    let configuration: DaemonConfiguration
    let configurationPath: String
    let catalog: Catalog
    let previews: PreviewStore
    let storage: StorageBackend
    let notifier: SystemdNotifier
    let stateDirectory: String
    let snapshot: Mutex<DaemonSnapshot>
    let logger: Logger
    /// Where the ingest, sync and watch loops report progress; systemd's watchdog is fed from it.
    let heartbeats: Heartbeats
    let watchdog: WatchdogFeeder
    let heap = HeapReturn()
    /// How long events are gathered before they are ingested together.
    static let batchWindow: Duration = .milliseconds(150)

    init(
        configuration: DaemonConfiguration, configurationPath: String, catalog: Catalog, previews: PreviewStore,
        storage: StorageBackend, notifier: SystemdNotifier, stateDirectory: String, snapshot: DaemonSnapshot,
        logger: Logger
    ) {
        self.configuration = configuration
        self.configurationPath = configurationPath
        self.catalog = catalog
        self.previews = previews
        self.storage = storage
        self.notifier = notifier
        self.stateDirectory = stateDirectory
        self.snapshot = Mutex(snapshot)
        self.logger = logger
        heartbeats = Heartbeats(bounds: .defaults(watchdogInterval: notifier.watchdogInterval))
        watchdog = WatchdogFeeder(heartbeats: heartbeats, notifier: notifier, logger: logger)
    }

    func run() async throws -> Outcome {
        for library in configuration.libraries {
            _ = try catalog.library(named: library.name, root: library.path)
        }
        let watcher: FolderWatcher
        do {
            watcher = try await FolderWatcher(
                roots: configuration.libraries.map(\.path), configuration: watcherConfiguration, logger: logger)
        } catch {
            throw DaemonError("cannot watch the libraries: \(error)")
        }
        let device = try DeviceIdentity.resolve(configured: configuration.device, catalog: catalog)
        update { $0.device = device.device }
        var syncOptions = configuration.syncOptions(previewsRoot: previews.root, device: device)
        syncOptions.activity = { [heartbeats] in heartbeats.record($0) }
        let engine = SyncEngine(catalog: catalog, storage: storage.client, options: syncOptions, logger: logger)
        let scanner = LibraryScanner(catalog: catalog, previews: previews, configuration: scanConfiguration, logger: logger)
        // Trapped before READY: systemd (and the test) may send SIGHUP as soon as READY arrives, and an untrapped
        // SIGHUP ends the process. Trapped in the signals task instead, a loaded machine delayed that task past the
        // first watchdog ping and a reload killed the daemon (a fresh-clone CI run caught it).
        let signals = await UnixSignalsSequence(trapping: .sighup, .sigusr1)
        update { $0.state = .running }
        notify { try $0.ready(status: "watching \(self.configuration.libraries.count) libraries; reconciling") }
        logger.notice(
            "watching", metadata: ["libraries": "\(configuration.libraries.map(\.name))", "storage": "\(storage.summary)"])

        return try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Outcome?.self) { group in
                group.addTask {
                    try await self.prepareCloudKeys()
                    try await engine.run()
                    return nil
                }
                group.addTask {
                    try await self.ingest(watcher: watcher, scanner: scanner, engine: engine)
                    return nil
                }
                group.addTask {
                    await self.keepAlive()
                    return nil
                }
                group.addTask { await self.handle(signals, engine: engine) }
                defer { watcher.stop() }
                while let result = try await group.next() {
                    if let outcome = result {
                        group.cancelAll()
                        return outcome
                    }
                    if Task.isCancelled { continue }  // shutting down: the others are ending too
                    group.cancelAll()
                    throw DaemonError("a part of the daemon stopped unexpectedly")
                }
                return .stopped
            }
        } onCancel: {
            watcher.stop()
        }
    }

    /// Rows an older version wrote without a device are moved to this device's keys before any row
    /// work; the cloud may be away, so this retries (ingest goes on meanwhile, into the outbox).
    private func prepareCloudKeys() async throws {
        var delay: Duration = .seconds(2)
        while true {
            do {
                _ = try await DeviceIdentity.prepare(
                    configured: configuration.device, catalog: catalog, storage: storage.client, logger: logger)
                return
            } catch {
                logger.warning(
                    "cannot move the cloud rows to device keys yet; sync waits", metadata: ["error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(300))
            }
        }
    }

    // MARK: ingest

    /// The reconcile scan first (what changed while the daemon was down), then the watcher's events
    /// in batches: everything reported within `batchWindow` is ingested together, per library.
    private func ingest(watcher: FolderWatcher, scanner: LibraryScanner, engine: SyncEngine) async throws {
        let buffer = Mutex<[WatchEvent]>([])
        let (ticks, tick) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        // Collects events while a batch is being ingested, so the watcher's thread never waits on us.
        let collector = Task {
            for await event in watcher.events {
                buffer.withLock { $0.append(event) }
                tick.yield()
            }
            tick.finish()
        }
        defer { collector.cancel() }
        heartbeats.started(.ingest)
        await reconcile(paths: configuration.libraries.map(\.path), scanner: scanner, engine: engine, reason: "start")
        heartbeats.finished(.ingest)
        engine.notify()
        notify { try $0.status("watching \(self.configuration.libraries.count) libraries") }
        for await _ in ticks {
            heartbeats.beat(.ingest)  // waiting for events is healthy, however long
            try? await Task.sleep(for: Self.batchWindow)
            let events = buffer.withLock { events in
                defer { events.removeAll() }
                return events
            }
            guard !events.isEmpty else { continue }
            heartbeats.started(.ingest)  // a batch: each file ingested is progress
            defer { heartbeats.finished(.ingest) }
            // Renames first, so the refresh finds the moved files already cataloged where they are now.
            let batch = WatchBatch(events, libraries: configuration.libraries)
            let leftovers = await applyMoves(batch.moves, scanner: scanner)
            let paths = paths(for: batch.others) + batch.passedThrough + leftovers
            if !paths.isEmpty {
                await reconcile(paths: paths, scanner: scanner, engine: engine, reason: "changes")
            }
            engine.notify()
            writeSnapshot()  // `status` shows what this batch did without waiting for the next tick
        }
    }

    /// Applies a batch's renames and moves inside libraries to the catalog without reading the files
    /// (on a thread of its own: `lstat` and SQLite block) and returns the paths still to refresh: the
    /// files that changed or are not where the move says, and both ends of a move that failed.
    private func applyMoves(_ moves: [WatchBatch.Move], scanner: LibraryScanner) async -> [String] {
        guard !moves.isEmpty else { return [] }
        let outcomes =
            (try? await BlockingWork.run("ironviper-move") {
                moves.map { move in
                    Result { try scanner.move(root: move.root, from: move.from, to: move.to) }
                }
            }) ?? moves.map { _ in .failure(DaemonError("the move did not run")) }
        heartbeats.progressed(.ingest)
        var leftovers: [String] = []
        var moved = 0
        for (move, outcome) in zip(moves, outcomes) {
            switch outcome {
            case .success(let summary):
                moved += summary.moved
                leftovers += summary.leftovers
            case .failure(let error):
                logger.error(
                    "cannot apply a move to the catalog; both ends are read again",
                    metadata: ["from": "\(move.from)", "to": "\(move.to)", "error": "\(error)"])
                leftovers += [move.from, move.to]
            }
        }
        if moved > 0 {
            logger.info(
                "moved \(moved) files without reading",
                metadata: ["moves": "\(moves.count)", "refreshed": "\(leftovers.count)"])
        }
        update { $0.filesMovedWithoutReading += moved }
        return leftovers
    }

    /// The paths to bring up to date for a batch of events (a move not applied to the catalog is its
    /// two ends: the content is recognised by its hash, so nothing is uploaded again, but it is read).
    private func paths(for events: [WatchEvent]) -> [String] {
        var paths: [String] = []
        update { snapshot in
            var kinds = snapshot.watchEvents ?? [:]
            var rescans = snapshot.rescans ?? [:]
            for event in events {
                kinds[Self.kind(of: event), default: 0] += 1
                if case .rescan(_, let reason) = event { rescans[reason.rawValue, default: 0] += 1 }
            }
            snapshot.watchEvents = kinds
            snapshot.rescans = rescans
        }
        for event in events {
            switch event {
            case .settled(let path): paths.append(usable(path))
            case .removed(let path, _): paths.append(usable(path))
            case .moved(let from, let to, _): paths += [usable(from), usable(to)]
            case .rescan(let directory, let reason):
                // Lost events are worth a warning; a folder whose permissions changed is routine.
                logger.log(
                    level: reason == .permissionsChanged ? .info : .warning, "rescanning",
                    metadata: ["folder": "\(directory)", "reason": "\(reason.rawValue)"])
                if reason == .unwatched, let library = configuration.libraries.first(where: { $0.contains(directory.string) }) {
                    update { snapshot in
                        guard let index = snapshot.libraries.firstIndex(where: { $0.name == library.name }),
                            !snapshot.libraries[index].unwatchedFolders.contains(directory.string)
                        else { return }
                        snapshot.libraries[index].unwatchedFolders.append(directory.string)
                    }
                }
                paths.append(usable(directory))
            }
        }
        return paths
    }

    /// An event's kind, as the metrics label it.
    private static func kind(of event: WatchEvent) -> String {
        switch event {
        case .settled: "settled"
        case .removed: "removed"
        case .moved: "moved"
        case .rescan: "rescan"
        }
    }

    private func usable(_ path: WatchPath) -> String {
        if !path.isValidUTF8 {
            logger.warning("a file name is not valid UTF-8; it is skipped", metadata: ["path": "\(path)"])
        }
        return path.string
    }

    /// Ingests `paths` library by library on a thread of its own (hashing and MagickWand block).
    private func reconcile(paths: [String], scanner: LibraryScanner, engine: SyncEngine, reason: String) async {
        for library in configuration.libraries {
            let mine = paths.filter { library.contains($0) }
            guard !mine.isEmpty else { continue }
            let root = library.path
            do {
                let summary = try await BlockingWork.run("ironviper-ingest") {
                    // Woken when a master is queued (before its previews are made) and after each file.
                    try scanner.refresh(
                        root: root, paths: mine,
                        progress: { _ in
                            self.heartbeats.progressed(.ingest)
                            engine.notify()
                        },
                        queued: { engine.notify() })
                }
                heartbeats.progressed(.ingest)
                for failure in summary.failures {
                    logger.warning("cannot ingest", metadata: ["path": "\(failure.path)", "code": "\(failure.code)", "error": "\(failure.message)"])
                }
                if summary.ingested > 0 || summary.missing > 0 {
                    logger.info(
                        "ingested", metadata: [
                            "library": "\(library.name)", "reason": "\(reason)", "files": "\(summary.ingested)",
                            "new": "\(summary.newAssets)", "missing": "\(summary.missing)",
                        ])
                }
                update { snapshot in
                    snapshot.filesIngested += summary.ingested
                    snapshot.filesFailed += summary.failures.count
                    snapshot.bytesIngested = (snapshot.bytesIngested ?? 0) + summary.bytes
                    snapshot.newContents = (snapshot.newContents ?? 0) + summary.newAssets
                    snapshot.ingestSeconds = (snapshot.ingestSeconds ?? 0) + summary.seconds
                    snapshot.lastScanAt = Date()
                }
            } catch {
                logger.error("cannot bring the library up to date", metadata: ["library": "\(library.name)", "error": "\(error)"])
                update { $0.lastError = "\(library.name): \(error)" }
            }
        }
    }

    // MARK: systemd, signals, status

    /// Pings systemd's watchdog (at half its interval) while every loop makes progress, and rewrites
    /// the status file; a stuck loop stops the pings so that systemd restarts the daemon.
    private func keepAlive() async {
        while !Task.isCancelled {
            watchdog.check(healthyStatus: "watching \(self.configuration.libraries.count) libraries")
            heap.trimIfIdle(heartbeats) { catalog.releaseMemory() }
            writeSnapshot()
            try? await Task.sleep(for: watchdog.period)
        }
    }

    /// SIGHUP: a new configuration (returned, ending the session) or, when it is invalid, a logged
    /// refusal. SIGUSR1 (`ironviper sync`): parked operations are retried and the outbox worked now.
    private func handle(_ signals: UnixSignalsSequence, engine: SyncEngine) async -> Outcome? {
        for await signal in signals {
            if signal == .sigusr1 {
                let retried = (try? engine.retryParked()) ?? 0
                logger.info("sync requested", metadata: ["parked retried": "\(retried)"])
                engine.notify()
                continue
            }
            notify { try $0.reloading() }
            do {
                let fresh = try DaemonConfiguration.load(file: configurationPath)
                logger.notice("configuration reloaded", metadata: ["file": "\(configurationPath)"])
                return .reload(fresh)
            } catch {
                logger.error("configuration refused; keeping the running one", metadata: ["error": "\(error)"])
                update { $0.lastError = "configuration refused: \(error)" }
                notify { try $0.ready(status: "configuration refused: \(error)") }
            }
        }
        return nil
    }

    func update(_ change: (inout DaemonSnapshot) -> Void) {
        snapshot.withLock { change(&$0) }
    }

    func writeSnapshot() {
        let loops = heartbeats.report()
        let current = snapshot.withLock { snapshot in
            snapshot.updatedAt = Date()
            snapshot.loops = loops
            return snapshot
        }
        do {
            try current.write(stateDirectory: stateDirectory)
        } catch {
            logger.warning("cannot write the status file", metadata: ["error": "\(error)"])
        }
    }

    private func notify(_ send: (SystemdNotifier) throws -> Void) {
        do { try send(notifier) } catch { logger.warning("\(error)") }
    }

    // MARK: configuration of the parts

    private var watcherConfiguration: WatcherConfiguration {
        var watch = WatcherConfiguration()
        watch.settleDelay = .milliseconds(Int(configuration.watch.settleSeconds * 1000))
        watch.ignoredNames = configuration.watch.ignore
        watch.unwatchedRescanInterval = .seconds(configuration.watch.rescanMinutes * 60)
        watch.activity = { [heartbeats] in heartbeats.record($0) }
        return watch
    }

    private var scanConfiguration: ScanConfiguration {
        var scan = ScanConfiguration()
        scan.ignoredNames = configuration.watch.ignore
        scan.previewsInCloud = configuration.previews.location == .cloud
        scan.imaging.renditions = configuration.previews.profile.renditions
        return scan
    }
}
