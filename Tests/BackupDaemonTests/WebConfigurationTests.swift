import BackupDaemon
import Catalog
import Foundation
import Testing
import WebGallery

/// `[web]`: on by default on loopback, `""` off, a bad address or hash refused with its key, and an address
/// other machines reach refused at start without a password.
@Suite struct WebConfigurationTests {
    static let library = "[[library]]\nname = \"photos\"\npath = \"/p\"\n"

    @Test func onByDefaultOnLoopbackAndOffWithEmpty() throws {
        let defaults = try DaemonConfiguration.parse(Self.library)
        #expect(defaults.web.listen == ListenAddress("127.0.0.1:8780"))
        let gallery = try #require(try defaults.galleryConfiguration(location: DataLocation(directory: "/d")))
        #expect(gallery.previewsRoot == "/d/previews")
        let off = try DaemonConfiguration.parse(Self.library + "[web]\nlisten = \"\"\n")
        #expect(off.web.listen == nil)
        #expect(try off.galleryConfiguration(location: DataLocation(directory: "/d")) == nil)
    }

    @Test(arguments: ["listen = \"8780\"", "listen = \"[::1]\"", "password_hash = \"hunter2\"", "port = 1"])
    func badKeysAreRefused(line: String) {
        #expect(throws: ConfigurationError.self) { try DaemonConfiguration.parse(Self.library + "[web]\n" + line + "\n") }
    }

    @Test func notLoopbackWithoutAPasswordCannotStart() throws {
        let open = try DaemonConfiguration.parse(Self.library + "[web]\nlisten = \"0.0.0.0:8780\"\n")
        let settings = try #require(try open.galleryConfiguration(location: DataLocation(directory: "/d")))
        #expect(throws: GalleryError.self) { try settings.validate() }
        let hash = try PasswordHash.make(password: "pw", rounds: 1000)
        let guarded = try DaemonConfiguration.parse(
            Self.library + "[web]\nlisten = \"0.0.0.0:8780\"\npassword_hash = \"\(hash)\"\nallowed_hosts = [\"nas.lan\"]\n")
        let guardedSettings = try #require(try guarded.galleryConfiguration(location: DataLocation(directory: "/d")))
        try guardedSettings.validate()
        #expect(guardedSettings.passwordHash == hash && guardedSettings.allowedHosts == ["nas.lan"])
    }
}
