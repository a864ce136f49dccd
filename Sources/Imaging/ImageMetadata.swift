/// What a photo says about itself: typed fields for search and display, plus the complete raw set
/// (every EXIF property, the XMP and IPTC fields) so nothing is lost to the choice of columns.
package struct ImageMetadata: Sendable, Equatable, Codable {
    /// The decoded format.
    package var format: ImageFormat = .other
    /// Width after applying the EXIF orientation (what a viewer shows).
    package var width: Int = 0
    /// Height after applying the EXIF orientation.
    package var height: Int = 0
    /// EXIF orientation 1…8 of the original.
    package var orientation: Int = 1
    /// Camera maker (`FUJIFILM`, `Canon`).
    package var cameraMake: String?
    /// Camera model (`X-T3`).
    package var cameraModel: String?
    /// Lens model.
    package var lens: String?
    /// Local date-time the photo was taken, `YYYY-MM-DDTHH:MM:SS` (camera clock, no zone).
    package var takenAt: String?
    /// The camera's UTC offset at that time (`+02:00`), when it recorded one.
    package var takenOffset: String?
    /// Exposure time in seconds.
    package var exposureTime: Double?
    /// Aperture f-number.
    package var fNumber: Double?
    /// ISO sensitivity.
    package var iso: Int?
    /// Focal length in millimetres.
    package var focalLength: Double?
    /// Latitude in decimal degrees, north positive.
    package var latitude: Double?
    /// Longitude in decimal degrees, east positive.
    package var longitude: Double?
    /// Altitude in metres, below sea level negative.
    package var altitude: Double?
    /// Keywords from XMP `dc:subject` and IPTC 2:25, merged without duplicates.
    package var keywords: [String] = []
    /// Title from XMP `dc:title` or IPTC 2:05.
    package var title: String?
    /// Caption from XMP `dc:description` or IPTC 2:120.
    package var caption: String?
    /// Rating 0…5 (XMP `xmp:Rating`), -1 for rejected.
    package var rating: Int?
    /// Every field read, by namespaced name (`exif:Model`, `xmp:Rating`, `iptc:2:25`, `raw:ISO speed`).
    package var raw: [String: String] = [:]

    /// Empty metadata, filled by the readers.
    package init() {}
}
