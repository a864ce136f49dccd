import Foundation
import BackupDaemon
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SystemdNotifierTests {
    @Test(arguments: [false, true])
    func statesReachTheSocket(abstract: Bool) throws {
        let socket = try NotifySocket(abstract: abstract)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path])
        try notifier.ready(status: "watching 2 libraries")
        #expect(socket.receive() == "READY=1\nSTATUS=watching 2 libraries\n")
        try notifier.watchdog()
        #expect(socket.receive() == "WATCHDOG=1\n")
        try notifier.reloading()
        let reloading = try #require(socket.receive())
        #expect(reloading.hasPrefix("RELOADING=1\nMONOTONIC_USEC="))
        try notifier.stopping()
        #expect(socket.receive() == "STOPPING=1\n")
    }

    @Test func withoutSystemdNothingIsSentAndNothingFails() throws {
        let notifier = SystemdNotifier(environment: [:])
        #expect(notifier.socketPath == nil)
        try notifier.ready()
        try notifier.watchdog()
    }

    @Test func aVanishedSocketIsAnErrorNamingIt() {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify"])
        #expect {
            try notifier.ready()
        } throws: { error in
            String(describing: error).contains("/nonexistent/notify")
        }
    }

    @Test func watchdogIntervalIsOnlyOursWhenThePIDMatches() {
        let ours = SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": String(getpid())])
        #expect(ours.watchdogInterval == .seconds(30))
        let inherited = SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"])
        #expect(inherited.watchdogInterval == nil)
        #expect(SystemdNotifier(environment: [:]).watchdogInterval == nil)
    }
}
