import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL

/// HTTPS for every service, as Azurite's `--cert FILE --key FILE`: a PEM certificate (chain) and its PEM private key.
/// Azurite also takes a PFX with `--pwd`; PEM is what `openssl req` writes, and enough here.
public struct TLSFiles: Sendable, Equatable {
    public var certificate: String
    public var key: String

    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }

    /// The server's TLS configuration, the files read and checked now: a missing or unreadable file fails at start
    /// with its path in the message, not at the first handshake.
    func serverConfiguration() throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let privateKey: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw TLSFilesError(message: "--cert \(certificate): not a readable PEM certificate (\(error))")
        }
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw TLSFilesError(message: "--key \(key): not a readable PEM private key (\(error))")
        }
        guard !chain.isEmpty else { throw TLSFilesError(message: "--cert \(certificate): no certificate in the file") }
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
    }

    /// Reads both files as the server will: called before start, so a bad path fails with a message, not a stack.
    public func validate() throws { _ = try serverConfiguration() }

    /// The HTTP/1 server wrapped in TLS.
    func server(_ http: HTTPServerBuilder) throws -> HTTPServerBuilder {
        try .tls(http, tlsConfiguration: serverConfiguration())
    }
}

/// A certificate or key that cannot be used, with the flag and path at fault.
public struct TLSFilesError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
