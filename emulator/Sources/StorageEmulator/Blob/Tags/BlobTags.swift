import AzureWire
import Foundation
import GRDB

/// A blob's index tags: up to 10 key/value pairs, checked against Azure's limits when they arrive and kept in
/// `blob_tags`, where Find Blobs by Tags searches them.
struct BlobTags: Sendable, Equatable {
    /// Sorted by key, which is how Get Blob Tags and listings return them.
    private(set) var pairs: [(key: String, value: String)]

    static let maximumCount = 10
    static let keyLengths = 1...128
    static let maximumValueLength = 256

    init(_ pairs: [(key: String, value: String)] = []) { self.pairs = pairs.sorted { $0.key < $1.key } }

    static func == (lhs: BlobTags, rhs: BlobTags) -> Bool {
        lhs.pairs.map(\.key) == rhs.pairs.map(\.key) && lhs.pairs.map(\.value) == rhs.pairs.map(\.value)
    }

    var isEmpty: Bool { pairs.isEmpty }
    var count: Int { pairs.count }
    func value(_ key: String) -> String? { pairs.first { $0.key == key }?.value }

    /// Checks Azure's limits ("Set Blob Tags", request body): at most 10 tags, keys of 1 to 128 and values of at most
    /// 256 characters, of letters, digits, space and `+ - . / : = _`. The codes are the ones Azure answers (and
    /// Azurite copies): 400 `TagsTooLarge`, `EmptyTagName`, `DuplicateTagNames`, `InvalidTag`.
    static func validated(_ pairs: [(key: String, value: String)]) throws -> BlobTags {
        guard pairs.count <= maximumCount else {
            throw StorageError(.badRequest, "TagsTooLarge", "The tags specified exceed the maximum permissible limit: \(pairs.count) tags, at most \(maximumCount).")
        }
        var seen = Set<String>()
        for (key, value) in pairs {
            guard !key.isEmpty else { throw StorageError(.badRequest, "EmptyTagName", "The name of one of the tag key-value pairs is empty.") }
            guard keyLengths.contains(key.count), value.count <= maximumValueLength else {
                throw StorageError(
                    .badRequest, "TagsTooLarge",
                    "The tags specified exceed the maximum permissible limit: keys are 1 to 128 characters, values at most 256 ('\(key)').")
            }
            guard isAllowed(key), isAllowed(value) else {
                throw StorageError(
                    .badRequest, "InvalidTag",
                    "The tags specified are invalid. It contains characters that are not permitted: '\(key)'='\(value)'.")
            }
            guard seen.insert(key).inserted else {
                throw StorageError(.badRequest, "DuplicateTagNames", "The tags specified contain duplicate names: '\(key)'.")
            }
        }
        return BlobTags(pairs)
    }

    private static func isAllowed(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { c in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || " +-./:=_".unicodeScalars.contains(c)
        }
    }

    /// `x-ms-tags` of an upload or copy: a query string (`k1=v1&k2=v2`, percent-encoded; `+` is a space as in any
    /// query). Nil when the header is absent.
    static func header(_ request: StorageRequest) throws -> BlobTags? {
        guard let text = request.header("x-ms-tags") else { return nil }
        let pairs = StorageRequest.parseQuery(Substring(text)).map { (key: $0.name, value: $0.value) }
        return try validated(pairs)
    }

    /// The body of Set Blob Tags: `<Tags><TagSet><Tag><Key>…</Key><Value>…</Value></Tag>…</TagSet></Tags>`.
    static func parse(_ document: XMLTree) throws -> BlobTags {
        guard document.name == "Tags" else {
            throw StorageError(.badRequest, "InvalidXmlDocument", "The root element must be Tags, not \(document.name).")
        }
        var pairs: [(key: String, value: String)] = []
        for set in document.children {
            guard set.name == "TagSet" else {
                throw StorageError(.badRequest, "InvalidXmlDocument", "Unexpected element \(set.name) in Tags.")
            }
            for tag in set.children {
                guard tag.name == "Tag", let key = tag.child("Key") else {
                    throw StorageError(.badRequest, "InvalidXmlDocument", "Each Tag needs a Key and a Value.")
                }
                pairs.append((key.text, tag.child("Value")?.text ?? ""))
            }
        }
        return try validated(pairs)
    }

    func write(to xml: inout XMLWriter) {
        xml.open("Tags")
        xml.open("TagSet")
        for (key, value) in pairs {
            xml.open("Tag")
            xml.element("Key", key)
            xml.element("Value", value)
            xml.close("Tag")
        }
        xml.close("TagSet")
        xml.close("Tags")
    }

    // MARK: storage

    static func fetch(_ db: Database, blobID: Int64) throws -> BlobTags {
        BlobTags(
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT key, value FROM blob_tags WHERE blob_id = ?"), arguments: [blobID]
            ).map { (key: $0[0], value: $0[1]) })
    }

    /// Replaces a blob's tags (an upload without `x-ms-tags` leaves none, as the blob is a new one).
    func replace(_ db: Database, blobID: Int64) throws {
        try db.executeCached(sql: "DELETE FROM blob_tags WHERE blob_id = ?", arguments: [blobID])
        let insert = try db.cachedStatement(sql: "INSERT INTO blob_tags (blob_id, key, value) VALUES (?, ?, ?)")
        for (key, value) in pairs { try insert.execute(arguments: [blobID, key, value]) }
    }
}
