import ArgumentParser
import Catalog
import Ingest

/// `ironviper hash FILE…`: SHA-256 and MD5 of files in one read pass, printed like `sha256sum`.
/// Hidden; the benchmarks compare it with `sha256sum`.
struct HashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash", abstract: "Print SHA-256 and MD5 of files (one read pass).", shouldDisplay: false)

    @Argument(help: "Files to hash.")
    var files: [String]

    func run() throws {
        for file in files {
            let (digest, _) = try ContentHasher.digest(ofFileAt: file)
            print("\(digest.sha256)  \(digest.md5)  \(Printable.path(file))")
        }
    }
}
