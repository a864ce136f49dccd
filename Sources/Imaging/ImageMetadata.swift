/// What a photo says about itself: typed fields for search and display, plus the complete raw set
/// (every EXIF property, the XMP and IPTC fields) so nothing is lost to the choice of columns.
public struct ImageMetadata: Sendable, Equatable, Codable {
    /// The decoded format.
    public var format: ImageFormat = .other
    /// Width after applying the EXIF orientation (what a viewer shows).
    public var width: Int = 0
    /// Height after applying the EXIF orientation.
    public var height: Int = 0
    /// EXIF orientation 1…8 of the original.
    public var orientation: Int = 1
    /// Camera maker (`FUJIFILM`, `Canon`).
    public var cameraMake: String?
    /// Camera model (`X-T3`).
    public var cameraModel: String?
    /// Lens model.
    public var lens: String?
    /// Local date-time the photo was taken, `YYYY-MM-DDTHH:MM:SS` (camera clock, no zone).
    public var takenAt: String?
    /// The camera's UTC offset at that time (`+02:00`), when it recorded one.
    public var takenOffset: String?
    /// Exposure time in seconds.
    public var exposureTime: Double?
    /// Aperture f-number.
    public var fNumber: Double?
    /// ISO sensitivity.
    public var iso: Int?
    /// Focal length in millimetres.
    public var focalLength: Double?
    /// Latitude in decimal degrees, north positive.
    public var latitude: Double?
    /// Longitude in decimal degrees, east positive.
    public var longitude: Double?
    /// Altitude in metres, below sea level negative.
    public var altitude: Double?
    /// Keywords from XMP `dc:subject` and IPTC 2:25, merged without duplicates.
    public var keywords: [String] = []
    /// Title from XMP `dc:title` or IPTC 2:05.
    public var title: String?
    /// Caption from XMP `dc:description` or IPTC 2:120.
    public var caption: String?
    /// Rating 0…5 (XMP `xmp:Rating`), -1 for rejected.
    public var rating: Int?
    /// Every field read, by namespaced name (`exif:Model`, `xmp:Rating`, `iptc:2:25`, `raw:ISO speed`).
    public var raw: [String: String] = [:]

    /// Empty metadata, filled by the readers.
    public init() {}

    /// The camera as one string for display and search (`FUJIFILM X-T3`), without repeating the make.
    public var camera: String? {
        switch (cameraMake, cameraModel) {
        case (nil, nil): return nil
        case (let make?, nil): return make
        case (nil, let model?): return model
        case (let make?, let model?):
            return model.lowercased().hasPrefix(make.lowercased().split(separator: " ").first.map(String.init) ?? "")
                ? model : "\(make) \(model)"
        }
    }
}
