import BackupDaemon
import Testing

/// The watchdog is fed only while every loop moves: checked against a real notify socket, with a
/// loop made to hang on purpose and time driven by a fake clock.
@Suite struct WatchdogFeederTests {
    let clock = FakeClock()
    let log = CapturedLog()

    func feeder(_ socket: NotifySocket) -> WatchdogFeeder {
        let heartbeats = Heartbeats(bounds: LivenessBounds(), clock: { [clock] in clock.now })
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "60000000"])
        return WatchdogFeeder(heartbeats: heartbeats, notifier: notifier, logger: log.logger())
    }

    @Test func pingsStopWhileALoopHangsAndResumeAfter() async throws {
        let socket = try NotifySocket()
        let watchdog = feeder(socket)
        let heartbeats = watchdog.heartbeats
        watchdog.check(healthyStatus: "watching 2 libraries")
        #expect(socket.drain() == ["WATCHDOG=1\n"])

        // An ingest batch whose body never returns until the test lets it.
        let gate = Gate()
        let batch = Task {
            heartbeats.started(.ingest)
            await gate.pass()
            heartbeats.finished(.ingest)
        }
        await gate.entered()
        clock.advance(by: heartbeats.bounds.ingest)
        watchdog.check(healthyStatus: "watching 2 libraries")
        #expect(socket.drain() == ["WATCHDOG=1\n"], "at the bound exactly, still fed")

        clock.advance(by: .seconds(1))
        let stalls = watchdog.check(healthyStatus: "watching 2 libraries")
        #expect(stalls.map(\.loop) == [.ingest])
        let status = try #require(socket.receiveNow())
        #expect(status.hasPrefix("STATUS=stuck: ingest loop without progress since "))
        #expect(status.hasSuffix("; watchdog not fed\n"))
        #expect(socket.drain() == [], "no WATCHDOG=1 while stuck")

        for _ in 0..<5 {
            clock.advance(by: watchdog.period)
            watchdog.check(healthyStatus: "watching 2 libraries")
        }
        #expect(socket.drain() == [], "still not fed, and the STATUS line is not repeated")
        #expect(log.messages(at: .error).count == 1)
        #expect(log.messages(at: .error).first?.contains("ingest loop is stuck") == true)

        gate.open()
        await batch.value
        #expect(watchdog.check(healthyStatus: "watching 2 libraries").isEmpty)
        #expect(socket.drain() == ["WATCHDOG=1\n", "STATUS=watching 2 libraries\n"])
        watchdog.check(healthyStatus: "watching 2 libraries")
        #expect(socket.drain() == ["WATCHDOG=1\n"])
        #expect(log.messages(at: .notice) == ["the ingest loop is moving again"])
    }

    @Test func aSecondLoopStuckLaterIsReportedToo() async throws {
        let socket = try NotifySocket()
        let watchdog = feeder(socket)
        let heartbeats = watchdog.heartbeats
        heartbeats.started(.watch)
        clock.advance(by: heartbeats.bounds.watch + .seconds(1))
        watchdog.check(healthyStatus: "ok")
        heartbeats.started(.sync, unit: 9)
        clock.advance(by: heartbeats.bounds.sync + .seconds(1))
        watchdog.check(healthyStatus: "ok")
        let lines = socket.drain()
        #expect(lines.count == 2 && !lines.contains("WATCHDOG=1\n"))
        #expect(lines.last?.contains("sync loop without progress") == true)
        #expect(lines.last?.contains("watch loop without progress") == true)
        #expect(log.messages(at: .error).count == 2)
    }

    @Test func thePeriodIsHalfTheWatchdogIntervalAtMostFiveSeconds() throws {
        let socket = try NotifySocket()
        #expect(feeder(socket).period == .seconds(5))
        let heartbeats = Heartbeats(bounds: LivenessBounds())
        let quick = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "4000000"])
        #expect(WatchdogFeeder(heartbeats: heartbeats, notifier: quick, logger: log.logger()).period == .seconds(2))
    }
}
