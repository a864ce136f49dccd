import Foundation
import Testing

@testable import StorageEmulator

/// `--cert`/`--key` in-process: the endpoints and connection string an embedding program reads say https, and
/// files that cannot be used fail before any port opens, naming the flag. (The wire itself, TLS handshakes and
/// bearer tokens, is proven with Microsoft's SDKs in Tests/Compatibility/test_emulator_https.py.)
@Suite struct EmulatorTLSTests {
    @Test func aTLSEmulatorAnnouncesHTTPSEverywhere() async throws {
        let directory = try temporaryDirectory()
        let files = try Self.selfSignedCertificate(in: directory)
        var configuration = EmulatorConfiguration.ephemeral()
        configuration.tls = files
        #expect(configuration.scheme == "https")
        let emulator = try await RunningEmulator.start(configuration: configuration)
        #expect(emulator.endpoint(.blob).hasPrefix("https://127.0.0.1:"))
        #expect(emulator.connectionString.hasPrefix("DefaultEndpointsProtocol=https;"))
        #expect(emulator.connectionString.contains("QueueEndpoint=https://127.0.0.1:"))
        await emulator.shutdown()
    }

    @Test func unusableFilesNameTheFlag() throws {
        let directory = try temporaryDirectory()
        let good = try Self.selfSignedCertificate(in: directory)
        let missingCert = TLSFiles(certificate: directory + "/absent.pem", key: good.key)
        #expect(throws: TLSFilesError.self) { try missingCert.validate() }
        do { try missingCert.validate() } catch { #expect("\(error)".hasPrefix("--cert ")) }
        let certAsKey = TLSFiles(certificate: good.certificate, key: good.certificate)
        do {
            try certAsKey.validate()
            Issue.record("a certificate given as the key was accepted")
        } catch { #expect("\(error)".hasPrefix("--key ")) }
        try good.validate()
    }

    /// A certificate for 127.0.0.1 made by `openssl req`, as a user would make one.
    static func selfSignedCertificate(in directory: String) throws -> TLSFiles {
        let files = TLSFiles(certificate: directory + "/cert.pem", key: directory + "/key.pem")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", files.key, "-out", files.certificate,
            "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl req failed")
        return files
    }
}
