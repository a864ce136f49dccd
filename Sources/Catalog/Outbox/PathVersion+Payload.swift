import AzureWire

// A version is the payload of most outbox rows (master, entity, history, event, delete, purge, reference): written
// when a file is recorded and read when its row is worked, for every file. Foundation's JSONEncoder and
// JSONDecoder cost 2.5 % of the daemon's CPU on small files; the same JSON is written and read by hand here.
// The keys stay JSONEncoder's (sorted, camel case, `sha256` left out when nil): the catalog's SQL reads
// `$.size`, `$.sha256`, `$.library` and `$.path` from payloads, and rows written by earlier versions read the same.
extension PathVersion {
    /// The outbox payload: one JSON object, keys in sorted order, so equal versions are equal text.
    package var payload: String {
        var out: [UInt8] = []
        out.reserveCapacity(112 + library.utf8.count + path.utf8.count)
        out += #"{"library":"#.utf8
        JSONWriter.appendString(library, to: &out)
        out += #","mtimeNs":"#.utf8
        out += String(mtimeNs).utf8
        out += #","path":"#.utf8
        JSONWriter.appendString(path, to: &out)
        out += #","recordedNs":"#.utf8
        out += String(recordedNs).utf8
        if let sha256 {
            out += #","sha256":"#.utf8
            JSONWriter.appendString(sha256, to: &out)
        }
        out += #","size":"#.utf8
        out += String(size).utf8
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads a payload (any JSON object with these members, in any order); throws when one is missing or mistyped.
    package init(payload: String?) throws {
        let value = try JSONValue.parse(Array((payload ?? "").utf8))
        func integer(_ name: String) throws -> Int64 {
            guard case .number(let text)? = value[name], let number = Int64(text) else {
                throw PathVersionPayloadError(member: name)
            }
            return number
        }
        guard let library = value["library"]?.stringValue else { throw PathVersionPayloadError(member: "library") }
        guard let path = value["path"]?.stringValue else { throw PathVersionPayloadError(member: "path") }
        let sha256: String?
        switch value["sha256"] {
        case nil, .null?: sha256 = nil
        case .string(let text)?: sha256 = text
        default: throw PathVersionPayloadError(member: "sha256")
        }
        self.init(
            library: library, path: path, sha256: sha256, size: try integer("size"), mtimeNs: try integer("mtimeNs"),
            recordedNs: try integer("recordedNs"))
    }
}

/// A version payload without a member it needs (the caller reports the row as unreadable).
struct PathVersionPayloadError: Error {
    var member: String
}
