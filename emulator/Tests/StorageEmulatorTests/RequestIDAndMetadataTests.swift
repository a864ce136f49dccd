import Foundation
import Testing

@testable import StorageEmulator

/// Two small codings on every request: request IDs and stored metadata.
@Suite struct RequestIDAndMetadataTests {
    /// `x-ms-request-id` is a version 4 UUID's text, and no two of a run are the same.
    @Test func requestIDsAreDistinctVersion4UUIDs() {
        let ids = (0..<20_000).map { _ in UUIDString.make() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(200) {
            let uuid = UUID(uuidString: id)
            #expect(uuid != nil && uuid!.uuidString.lowercased() == id, "\(id)")
            let bytes = Array(id.utf8)
            #expect(bytes[14] == UInt8(ascii: "4"))
            #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(bytes[19]))
        }
    }

    /// Metadata round-trips whatever its values hold, sorted by name with a later duplicate winning; text stored by
    /// earlier versions (JSONSerialization, which escaped `/`) reads the same; nothing stored reads as nothing.
    @Test func metadataRoundTripsAndReadsOlderText() {
        let metadata = [("zeta", "a/b \"q\" \\ é 📷\n"), ("Alpha", "1"), ("zeta", "last")]
        let stored = MetadataCoding.encode(metadata)
        #expect(MetadataCoding.decode(stored).map { "\($0.0)=\($0.1)" } == ["Alpha=1", "zeta=last"])
        let weird = [("k", "a/b \"q\" \\ é 📷\n\t\u{1}")]
        #expect(MetadataCoding.decode(MetadataCoding.encode(weird)).map(\.1) == ["a/b \"q\" \\ é 📷\n\t\u{1}"])
        #expect(MetadataCoding.decode(#"{"path":"a\/b","x":"y"}"#).map(\.1) == ["a/b", "y"])
        #expect(MetadataCoding.encode([]) == "{}" && MetadataCoding.decode("{}").isEmpty)
        #expect(MetadataCoding.decode("not json").isEmpty)
    }
}
