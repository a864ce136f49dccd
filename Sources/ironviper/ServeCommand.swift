import ArgumentParser
import Catalog
import Foundation
import Logging
import ServiceLifecycle
import WebGallery

/// `ironviper serve`: the web gallery over a catalog without a daemon (a copy of the data folder, a machine
/// that only looks). The daemon serves the same gallery itself when `[web] listen` is set (the default).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the web gallery and its JSON API over the catalog.",
        discussion: """
            Loopback only by default. Another address needs --password-hash (or the systemd credential \
            web-password-hash); make one with --hash-password, which reads the password from standard input. \
            Prints the URL once listening (port 0 picks a free port).
            """)

    @OptionGroup var data: DataOptions

    @Option(help: "host:port to listen on.")
    var listen = "127.0.0.1:8780"

    @Option(help: "pbkdf2-sha256$… hash of the password asked with HTTP Basic authentication.")
    var passwordHash: String?

    @Option(help: "The user name asked with the password.")
    var user = "ironviper"

    @Option(name: .customLong("allowed-host"), help: "A host name the Host header may carry (repeatable).")
    var allowedHosts: [String] = []

    @Flag(help: "Read a password from standard input, print its hash for [web] password_hash, and exit.")
    var hashPassword = false

    func run() async throws {
        if hashPassword {
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError("no password on standard input")
            }
            print(try PasswordHash.make(password: password))
            return
        }
        guard let address = ListenAddress(listen) else { throw ValidationError("--listen takes host:port, not \(listen)") }
        let hash: PasswordHash?
        do {
            hash = try passwordHash.map { try PasswordHash(parsing: $0) } ?? GalleryConfiguration.credentialHash()
        } catch { throw ValidationError("\(error)") }
        let settings = GalleryConfiguration(
            listen: address, passwordHash: hash, user: user, allowedHosts: allowedHosts,
            previewsRoot: data.location.previewsPath)
        let logger = Logger(label: "ironviper.web")
        let server: GalleryServer
        do {
            server = try GalleryServer(
                configuration: settings, catalog: try data.openCatalog(), logger: logger,
                onListening: { bound in
                    FileHandle.standardOutput.write(Data("listening on http://\(bound)/\n".utf8))
                })
        } catch let error as GalleryError { throw ValidationError(error.description) }
        let group = ServiceGroup(
            configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
