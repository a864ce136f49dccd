/// A person's own words about a content: its tags and a 0–5 rating, set from the gallery.
///
/// Kept by content (SHA-256), not by path, so a rename, a move or a second copy keeps them; stored only
/// in the catalog (`tags`, `ratings`, migration v5) and mirrored into the `files` rows of every path holding
/// the content, never written into a photo folder.
package struct Annotation: Sendable, Codable, Equatable {
    /// Tags, sorted case-insensitively.
    package var tags: [String]
    /// Stars 0–5; nil when none was given (the file's own embedded rating, if any, still counts for search).
    package var rating: Int?

    package init(tags: [String] = [], rating: Int? = nil) {
        self.tags = tags
        self.rating = rating
    }

    /// The longest tag kept: a tag is a word or a short phrase, not a caption.
    package static let maximumTagLength = 64

    /// `tag` trimmed, or a `CatalogError(.invalid)` for an empty or too long one, or one holding a control
    /// character or a comma (the `files` row lists tags comma-separated).
    package static func validatedTag(_ tag: String) throws -> String {
        let trimmed = tag.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= maximumTagLength else {
            throw CatalogError(.invalid, tag, detail: "a tag has 1 to \(maximumTagLength) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "," })
        else { throw CatalogError(.invalid, tag, detail: "a tag holds no comma or control character") }
        return trimmed
    }
}
