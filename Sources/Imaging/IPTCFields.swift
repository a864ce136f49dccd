/// Reads IPTC-IIM records (the older way keywords and captions were stored, still written by many
/// tools) from ImageMagick's `iptc` profile: a run of `0x1C record dataset length value` entries.
enum IPTCFields {
    /// Fills keywords (2:25), title (2:05) and caption (2:120) where XMP left them empty, and keeps
    /// every dataset of record 2 raw as `iptc:2:N`.
    static func apply(_ bytes: [UInt8], to metadata: inout ImageMetadata) {
        var keywords: [String] = []
        var values: [Int: [String]] = [:]
        var index = 0
        while index + 5 <= bytes.count {
            guard bytes[index] == 0x1C else {
                index += 1  // skip padding or a Photoshop resource header
                continue
            }
            let record = Int(bytes[index + 1])
            let dataset = Int(bytes[index + 2])
            var length = Int(bytes[index + 3]) << 8 | Int(bytes[index + 4])
            var start = index + 5
            if length & 0x8000 != 0 {  // extended length: the next N bytes hold the length
                let size = length & 0x7FFF
                guard size <= 4, start + size <= bytes.count else { return }
                length = bytes[start..<start + size].reduce(0) { $0 << 8 | Int($1) }
                start += size
            }
            guard start + length <= bytes.count else { return }
            if record == 2 {
                let text = String(decoding: bytes[start..<start + length], as: UTF8.self)
                values[dataset, default: []].append(text)
                if dataset == 25 { keywords.append(text) }
            }
            index = start + length
        }
        for (dataset, texts) in values {
            metadata.raw["iptc:2:\(dataset)"] = texts.joined(separator: "; ")
        }
        XMPFields.merge(keywords: keywords, into: &metadata)
        if metadata.title == nil, let title = values[5]?.first, !title.isEmpty { metadata.title = title }
        if metadata.caption == nil, let caption = values[120]?.first, !caption.isEmpty { metadata.caption = caption }
    }
}
