import Catalog
import Ingest
import Foundation

/// A catalog in a scratch folder, removed when the test ends.
final class ScratchCatalog: Sendable {
    let folder: String
    let catalog: Catalog

    init() throws {
        folder = NSTemporaryDirectory() + "catalog-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        catalog = try Catalog(path: folder + "/data/catalog.sqlite")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    var previews: PreviewStore { PreviewStore(root: folder + "/data/previews") }

    /// A new folder inside the scratch folder (a library's root), by its full path.
    func makeFolder(_ name: String) throws -> String {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A deterministic 64-bit generator (splitmix64) for synthetic catalog rows.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
