/// Builds an EXIF block (`Exif\0\0` + a little-endian TIFF structure) from typed fields, to attach
/// to a generated image as its `exif` profile. Tests and benchmark fixtures use it to make photos
/// that carry camera, time, exposure, GPS and orientation like a camera's would.
package struct ExifBlob: Sendable, Equatable {
    /// Camera maker, model and lens (IFD0 Make/Model, Exif LensModel).
    package var make: String?
    package var model: String?
    package var lens: String?
    /// `YYYY:MM:DD HH:MM:SS`, as EXIF writes it.
    package var dateTimeOriginal: String?
    /// `+02:00`.
    package var offsetTimeOriginal: String?
    /// Seconds as numerator/denominator (1/250 s = (1, 250)).
    package var exposureTime: (UInt32, UInt32)?
    /// Aperture, ISO and focal length (mm), as EXIF stores them.
    package var fNumber: (UInt32, UInt32)?
    package var iso: UInt16?
    package var focalLength: (UInt32, UInt32)?
    /// 1…8.
    package var orientation: UInt16?
    /// Decimal degrees, north/east positive.
    package var latitude: Double?
    /// Decimal degrees, east positive.
    package var longitude: Double?
    /// Metres.
    package var altitude: Double?

    /// An empty block; set the fields wanted.
    package init() {}

    /// Equal when they encode to the same bytes (tuples are not Equatable).
    package static func == (a: ExifBlob, b: ExifBlob) -> Bool { a.bytes == b.bytes }

    private enum Value {
        case ascii(String)
        case short(UInt16)
        case long(UInt32)
        case byte(UInt8)
        case rationals([(UInt32, UInt32)])
    }

    /// The encoded block, ready for `SyntheticImage.exif`.
    package var bytes: [UInt8] {
        var primary: [(UInt16, Value)] = []
        var exif: [(UInt16, Value)] = []
        var gps: [(UInt16, Value)] = []
        if let make { primary.append((0x010F, .ascii(make))) }
        if let model { primary.append((0x0110, .ascii(model))) }
        if let orientation { primary.append((0x0112, .short(orientation))) }
        if let exposureTime { exif.append((0x829A, .rationals([exposureTime]))) }
        if let fNumber { exif.append((0x829D, .rationals([fNumber]))) }
        if let iso { exif.append((0x8827, .short(iso))) }
        if let dateTimeOriginal { exif.append((0x9003, .ascii(dateTimeOriginal))) }
        if let offsetTimeOriginal { exif.append((0x9011, .ascii(offsetTimeOriginal))) }
        if let focalLength { exif.append((0x920A, .rationals([focalLength]))) }
        if let lens { exif.append((0xA434, .ascii(lens))) }
        if let latitude {
            gps.append((0x0001, .ascii(latitude < 0 ? "S" : "N")))
            gps.append((0x0002, .rationals(Self.dms(abs(latitude)))))
        }
        if let longitude {
            gps.append((0x0003, .ascii(longitude < 0 ? "W" : "E")))
            gps.append((0x0004, .rationals(Self.dms(abs(longitude)))))
        }
        if let altitude {
            gps.append((0x0005, .byte(altitude < 0 ? 1 : 0)))
            gps.append((0x0006, .rationals([(UInt32((abs(altitude) * 100).rounded()), 100)])))
        }
        // Layout: header, IFD0, Exif IFD, GPS IFD, then every out-of-line value.
        func ifdSize(_ count: Int) -> Int { 2 + count * 12 + 4 }
        let pointerCount = (exif.isEmpty ? 0 : 1) + (gps.isEmpty ? 0 : 1)
        let ifd0Offset = 8
        let exifOffset = ifd0Offset + ifdSize(primary.count + pointerCount)
        let gpsOffset = exifOffset + (exif.isEmpty ? 0 : ifdSize(exif.count))
        var dataOffset = gpsOffset + (gps.isEmpty ? 0 : ifdSize(gps.count))
        var tiff: [UInt8] = [0x49, 0x49, 0x2A, 0x00]
        func u16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32) -> [UInt8] { u16(UInt16(v & 0xFFFF)) + u16(UInt16(v >> 16)) }
        tiff += u32(UInt32(ifd0Offset))
        var data: [UInt8] = []
        func entries(_ list: [(UInt16, Value)]) -> [UInt8] {
            var out = u16(UInt16(list.count))
            for (tag, value) in list.sorted(by: { $0.0 < $1.0 }) {
                out += u16(tag)
                var payload: [UInt8]
                var type: UInt16
                var count: UInt32
                switch value {
                case .ascii(let text):
                    payload = Array(text.utf8) + [0]
                    (type, count) = (2, UInt32(payload.count))
                case .short(let v): (payload, type, count) = (u16(v), 3, 1)
                case .long(let v): (payload, type, count) = (u32(v), 4, 1)
                case .byte(let v): (payload, type, count) = ([v], 1, 1)
                case .rationals(let list):
                    payload = list.flatMap { u32($0.0) + u32($0.1) }
                    (type, count) = (5, UInt32(list.count))
                }
                out += u16(type) + u32(count)
                if payload.count <= 4 {
                    out += payload + [UInt8](repeating: 0, count: 4 - payload.count)
                } else {
                    out += u32(UInt32(dataOffset))
                    data += payload
                    dataOffset += payload.count
                    if payload.count % 2 == 1 {  // values start on word boundaries
                        data.append(0)
                        dataOffset += 1
                    }
                }
            }
            return out + u32(0)
        }
        var pointers: [(UInt16, Value)] = []
        if !exif.isEmpty { pointers.append((0x8769, .long(UInt32(exifOffset)))) }
        if !gps.isEmpty { pointers.append((0x8825, .long(UInt32(gpsOffset)))) }
        tiff += entries(primary + pointers)
        if !exif.isEmpty { tiff += entries(exif) }
        if !gps.isEmpty { tiff += entries(gps) }
        return Array("Exif".utf8) + [0, 0] + tiff + data
    }

    /// Degrees, minutes and hundredths of seconds.
    private static func dms(_ value: Double) -> [(UInt32, UInt32)] {
        let degrees = value.rounded(.down)
        let minutes = ((value - degrees) * 60).rounded(.down)
        let seconds = ((value - degrees) * 60 - minutes) * 60
        return [(UInt32(degrees), 1), (UInt32(minutes), 1), (UInt32((seconds * 10_000).rounded()), 10_000)]
    }
}
