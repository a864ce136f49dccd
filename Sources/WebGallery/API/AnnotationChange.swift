/// The body of `POST /api/v1/items/ID/annotation`: tags to add and remove, and the rating, where a `rating`
/// key holding null clears it and no `rating` key leaves it as it is.
struct AnnotationChange: Decodable {
    var addTags: [String]
    var removeTags: [String]
    var rating: Int??

    enum CodingKeys: String, CodingKey { case addTags, removeTags, rating }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        addTags = try container.decodeIfPresent([String].self, forKey: .addTags) ?? []
        removeTags = try container.decodeIfPresent([String].self, forKey: .removeTags) ?? []
        rating = container.contains(.rating) ? .some(try container.decodeNil(forKey: .rating) ? nil : try container.decode(Int.self, forKey: .rating)) : nil
    }
}
