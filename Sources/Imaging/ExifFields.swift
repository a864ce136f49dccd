import Foundation

/// Turns ImageMagick's `exif:*` properties (strings such as `"41/1, 12/1, 3456/100"`) into typed
/// metadata fields.
enum ExifFields {
    /// Fills the typed EXIF fields of `metadata` from ImageMagick's properties and keeps them all raw.
    static func apply(_ properties: [String: String], to metadata: inout ImageMetadata) {
        for (key, value) in properties where !value.isEmpty {
            metadata.raw[key] = value
        }
        func text(_ key: String) -> String? {
            guard let value = properties["exif:\(key)"]?.trimmingCharacters(in: .whitespacesAndNewlines),
                !value.isEmpty
            else { return nil }
            return value
        }
        metadata.cameraMake = text("Make") ?? metadata.cameraMake
        metadata.cameraModel = text("Model") ?? metadata.cameraModel
        metadata.lens = text("LensModel") ?? text("0xA434") ?? metadata.lens
        if let date = text("DateTimeOriginal") ?? text("DateTimeDigitized") ?? text("DateTime") {
            metadata.takenAt = isoDateTime(date) ?? metadata.takenAt
        }
        metadata.takenOffset =
            (text("OffsetTimeOriginal") ?? text("OffsetTime")).flatMap(offset) ?? metadata.takenOffset
        metadata.exposureTime = text("ExposureTime").flatMap(rational) ?? metadata.exposureTime
        metadata.fNumber = text("FNumber").flatMap(rational) ?? metadata.fNumber
        metadata.iso =
            (text("PhotographicSensitivity") ?? text("ISOSpeedRatings")).flatMap {
                Int($0.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "")
            } ?? metadata.iso
        metadata.focalLength = text("FocalLength").flatMap(rational) ?? metadata.focalLength
        if let latitude = text("GPSLatitude").flatMap(degrees) {
            metadata.latitude = text("GPSLatitudeRef")?.uppercased().hasPrefix("S") == true ? -latitude : latitude
        }
        if let longitude = text("GPSLongitude").flatMap(degrees) {
            metadata.longitude = text("GPSLongitudeRef")?.uppercased().hasPrefix("W") == true ? -longitude : longitude
        }
        if let altitude = text("GPSAltitude").flatMap(rational) {
            metadata.altitude = text("GPSAltitudeRef") == "1" ? -altitude : altitude
        }
    }

    /// `2019:07:14 10:20:30` → `2019-07-14T10:20:30`; nil for blank or zeroed dates.
    static func isoDateTime(_ exif: String) -> String? {
        let digits = exif.filter(\.isNumber)
        guard digits.count >= 14, !digits.hasPrefix("0000") else { return nil }
        let d = Array(digits)
        let s = { (from: Int, to: Int) in String(d[from..<to]) }
        return "\(s(0, 4))-\(s(4, 6))-\(s(6, 8))T\(s(8, 10)):\(s(10, 12)):\(s(12, 14))"
    }

    /// `+02:00`, `-0530` → `+02:00`, `-05:30`.
    static func offset(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let sign = trimmed.first, sign == "+" || sign == "-" else { return nil }
        let digits = trimmed.dropFirst().filter(\.isNumber)
        guard digits.count == 4 else { return nil }
        return "\(sign)\(digits.prefix(2)):\(digits.suffix(2))"
    }

    /// `28/10` → 2.8, `0.004` → 0.004; nil for `0/0`.
    static func rational(_ text: String) -> Double? {
        let first = text.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let parts = first.split(separator: "/")
        if parts.count == 2, let n = Double(parts[0]), let d = Double(parts[1]) {
            return d == 0 ? nil : n / d
        }
        return Double(first)
    }

    /// `41/1, 12/1, 3456/100` (degrees, minutes, seconds) → 41.2096.
    static func degrees(_ text: String) -> Double? {
        let parts = text.split(separator: ",").map { rational(String($0)) }
        guard let first = parts.first, let degrees = first else { return nil }
        let minutes = parts.count > 1 ? (parts[1] ?? 0) : 0
        let seconds = parts.count > 2 ? (parts[2] ?? 0) : 0
        return degrees + minutes / 60 + seconds / 3600
    }
}

extension ImageMetadata {
    /// Fills the typed fields from ImageMagick-style `exif:*` properties (`"41/1, 12/1, 3456/100"`)
    /// and keeps them raw; also used for metadata that arrives from other readers in that form.
    package mutating func apply(exifProperties: [String: String]) {
        ExifFields.apply(exifProperties, to: &self)
    }
}
