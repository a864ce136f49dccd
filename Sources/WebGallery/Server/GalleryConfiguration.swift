import Foundation

/// How the gallery listens and who may use it (`[web]` in `config.toml`, or `ironviper serve`'s options).
package struct GalleryConfiguration: Sendable {
    package var listen: ListenAddress
    /// Required to listen anywhere but loopback: every request then needs HTTP Basic credentials whose
    /// password matches (`ironviper serve --hash-password` makes one).
    package var passwordHash: PasswordHash?
    /// The user name asked with the password.
    package var user: String
    /// Host names (without port) accepted in the Host header besides `localhost`, IP literals and the
    /// listen host: the names a reverse proxy or a LAN DNS gives this machine.
    package var allowedHosts: [String]
    /// Where the rendition files the catalog names live (the data folder's `previews`).
    package var previewsRoot: String

    package init(
        listen: ListenAddress = .defaultAddress, passwordHash: PasswordHash? = nil, user: String = "ironviper",
        allowedHosts: [String] = [], previewsRoot: String
    ) {
        self.listen = listen
        self.passwordHash = passwordHash
        self.user = user
        self.allowedHosts = allowedHosts
        self.previewsRoot = previewsRoot
    }

    /// The systemd credential holding a password hash (`LoadCredential=web-password-hash:…`), read when the
    /// configuration names none: keeps the hash out of a world-readable config.
    package static let credentialName = "web-password-hash"

    /// The hash from `$CREDENTIALS_DIRECTORY/web-password-hash`, if systemd passed one.
    package static func credentialHash(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> PasswordHash?
    {
        guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty,
            let text = try? String(contentsOfFile: directory + "/" + credentialName, encoding: .utf8)
        else { return nil }
        return try PasswordHash(parsing: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Refuses what Syncthing refuses: a listener reachable from other machines without a password.
    package func validate() throws {
        if !listen.isLoopback && passwordHash == nil {
            throw GalleryError(
                "refusing to listen on \(listen) without a password: set [web] password_hash (ironviper serve "
                    + "--hash-password) or the systemd credential \(Self.credentialName), or listen on 127.0.0.1")
        }
    }
}

/// A gallery that cannot start, with a sentence saying why.
package struct GalleryError: Error, CustomStringConvertible, Sendable {
    package var description: String
    package init(_ description: String) { self.description = description }
}
