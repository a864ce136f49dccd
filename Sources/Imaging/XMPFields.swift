import Foundation

/// Reads the descriptive fields people set in photo managers (keywords, title, caption, rating)
/// from an XMP packet. A tolerant scanner, not a full RDF parser: it accepts both the element form
/// (`<xmp:Rating>4</xmp:Rating>`) and the attribute form (`xmp:Rating="4"`).
enum XMPFields {
    /// Fills keywords, title, caption and rating from `packet` and keeps them raw under `xmp:`.
    static func apply(_ packet: String, to metadata: inout ImageMetadata) {
        let subjects = listItems(of: "dc:subject", in: packet)
        if !subjects.isEmpty {
            merge(keywords: subjects, into: &metadata)
            metadata.raw["xmp:dc:subject"] = subjects.joined(separator: "; ")
        }
        if let title = listItems(of: "dc:title", in: packet).first {
            metadata.title = title
            metadata.raw["xmp:dc:title"] = title
        }
        if let caption = listItems(of: "dc:description", in: packet).first {
            metadata.caption = caption
            metadata.raw["xmp:dc:description"] = caption
        }
        if let rating = simpleValue(of: "xmp:Rating", in: packet), let value = Double(rating) {
            metadata.rating = Int(value)
            metadata.raw["xmp:Rating"] = rating
        }
        for name in ["photoshop:City", "photoshop:Country", "xmp:Label", "Iptc4xmpCore:Location"] {
            if let value = simpleValue(of: name, in: packet) { metadata.raw["xmp:\(name)"] = value }
        }
    }

    /// Adds keywords not already present (case-insensitively), keeping their first spelling.
    static func merge(keywords: [String], into metadata: inout ImageMetadata) {
        var seen = Set(metadata.keywords.map { $0.lowercased() })
        for keyword in keywords where !keyword.isEmpty && seen.insert(keyword.lowercased()).inserted {
            metadata.keywords.append(keyword)
        }
    }

    /// The `rdf:li` items inside `<name>…</name>` (Bag, Seq or Alt).
    static func listItems(of name: String, in packet: String) -> [String] {
        guard let body = elementBody(name, in: packet) else { return [] }
        var items: [String] = []
        var rest = body[...]
        while let open = rest.range(of: "<rdf:li") {
            guard let close = rest[open.upperBound...].range(of: ">") else { break }
            if close.lowerBound > rest.startIndex, rest[rest.index(before: close.lowerBound)] == "/" {  // <rdf:li/>
                rest = rest[close.upperBound...]
                continue
            }
            guard let end = rest[close.upperBound...].range(of: "</rdf:li>") else { break }
            items.append(unescape(String(rest[close.upperBound..<end.lowerBound])))
            rest = rest[end.upperBound...]
        }
        if items.isEmpty {
            let text = unescape(String(body)).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty && !text.contains("<") { items.append(text) }
        }
        return items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// A simple property in element or attribute form.
    static func simpleValue(of name: String, in packet: String) -> String? {
        if let body = elementBody(name, in: packet) {
            let text = unescape(String(body)).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty && !text.contains("<") { return text }
        }
        for quote in ["\"", "'"] {
            if let start = packet.range(of: "\(name)=\(quote)"),
                let end = packet[start.upperBound...].range(of: quote)
            {
                return unescape(String(packet[start.upperBound..<end.lowerBound]))
            }
        }
        return nil
    }

    private static func elementBody(_ name: String, in packet: String) -> Substring? {
        var search = packet[...]
        while let open = search.range(of: "<\(name)") {
            let after = search[open.upperBound...]
            // Skip longer names that share the prefix (`<dc:titleX`).
            guard let next = after.first, next == ">" || next == " " || next == "\n" || next == "\t" || next == "/"
            else {
                search = after
                continue
            }
            guard let close = after.range(of: ">") else { return nil }
            if close.lowerBound > after.startIndex, after[after.index(before: close.lowerBound)] == "/" { return nil }
            guard let end = after[close.upperBound...].range(of: "</\(name)>") else { return nil }
            return after[close.upperBound..<end.lowerBound]
        }
        return nil
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
