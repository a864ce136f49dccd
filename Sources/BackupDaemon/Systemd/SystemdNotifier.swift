import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd what the daemon is doing (`sd_notify(3)`), without linking libsystemd: one datagram
/// per state change to the socket named by `$NOTIFY_SOCKET`. Outside systemd (no socket) every call
/// does nothing, so the daemon runs the same in a terminal.
package struct SystemdNotifier: Sendable {
    /// The socket address; nil when not started by systemd with `Type=notify`.
    package let socketPath: String?
    /// How often systemd expects a `WATCHDOG=1` (`WatchdogSec=`); nil when no watchdog is configured.
    package let watchdogInterval: Duration?

    package init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        // WATCHDOG_PID, when set, names the process meant; a child that inherited the variable must not ping.
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == getpid() } ?? true
        if forUs, let micros = environment["WATCHDOG_USEC"].flatMap(Int64.init), micros > 0 {
            watchdogInterval = .microseconds(micros)
        } else {
            watchdogInterval = nil
        }
    }

    /// Startup is complete: watches are installed and work is flowing.
    package func ready(status: String? = nil) throws { try send(["READY=1"] + statusLine(status)) }

    /// The configuration is being re-read (`ExecReload=`); follow with `ready`.
    package func reloading() throws {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let micros = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
        try send(["RELOADING=1", "MONOTONIC_USEC=\(micros)"])
    }

    /// Shutdown has begun: systemd waits for the process instead of treating silence as a hang.
    package func stopping() throws { try send(["STOPPING=1"]) }

    /// The keep-alive systemd's watchdog waits for.
    package func watchdog() throws { try send(["WATCHDOG=1"]) }

    /// A one-line summary shown by `systemctl status`.
    package func status(_ text: String) throws { try send(statusLine(text)) }

    private func statusLine(_ text: String?) -> [String] {
        text.map { ["STATUS=" + $0.replacingOccurrences(of: "\n", with: " ")] } ?? []
    }

    /// Sends `lines` as one datagram. `@name` is an abstract socket (leading NUL byte).
    func send(_ lines: [String]) throws {
        guard let socketPath, !lines.isEmpty else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw NotifyError(socketPath: socketPath, call: "socket", errno: errno) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else {
            throw NotifyError(socketPath: socketPath, call: "sockaddr_un", errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let message = Array((lines.joined(separator: "\n") + "\n").utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(fd, message, message.count, Int32(MSG_NOSIGNAL), socketAddress, length)
            }
        }
        guard sent == message.count else { throw NotifyError(socketPath: socketPath, call: "sendto", errno: errno) }
    }
}

/// A notification that could not be delivered (the daemon logs it and carries on: systemd will
/// notice a missing READY or WATCHDOG on its own).
package struct NotifyError: Error, CustomStringConvertible {
    package let socketPath: String
    package let call: String
    package let errno: Int32

    package var description: String { "sd_notify to \(socketPath): \(call) failed: \(String(cString: strerror(errno)))" }
}
