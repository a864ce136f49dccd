import Foundation

/// Decodes camera RAW files with Debian's `dcraw`: ImageMagick 6 delegates RAW to `ufraw-batch`,
/// which Debian 12 does not ship. dcraw writes an 8-bit PPM (half size, camera white balance,
/// already turned upright) that ImageMagick then reads like any other image, and its `-i -v`
/// report gives the camera, exposure and time.
struct RawDecoder {
    /// dcraw's binary.
    var dcrawPath: String

    /// A decoded RAW: the upright pixmap and what dcraw reported.
    struct Decoded {
        var pixmap: [UInt8]
        var fields: [String: String]

        /// Typed metadata from dcraw's report (RAW files keep their EXIF in maker-specific places).
        func apply(to metadata: inout ImageMetadata) {
            metadata.format = .raw
            metadata.orientation = 1
            if let camera = fields["raw:Camera"] {
                let parts = camera.split(separator: " ", maxSplits: 1).map(String.init)
                metadata.cameraMake = metadata.cameraMake ?? parts.first
                metadata.cameraModel = metadata.cameraModel ?? (parts.count > 1 ? parts[1] : nil)
            }
            // dcraw prints 0 for what the file does not say.
            func positive(_ value: Double?) -> Double? { value.flatMap { $0 > 0 ? $0 : nil } }
            if let iso = positive(fields["raw:ISO speed"].flatMap { Double($0) }) {
                metadata.iso = metadata.iso ?? Int(iso)
            }
            if let shutter = positive(
                fields["raw:Shutter"].flatMap { ExifFields.rational($0.replacingOccurrences(of: " sec", with: "")) })
            {
                metadata.exposureTime = metadata.exposureTime ?? shutter
            }
            if let aperture = positive(
                fields["raw:Aperture"].flatMap { Double($0.replacingOccurrences(of: "f/", with: "")) })
            {
                metadata.fNumber = metadata.fNumber ?? aperture
            }
            if let focal = positive(
                fields["raw:Focal length"].flatMap { Double($0.replacingOccurrences(of: " mm", with: "")) })
            {
                metadata.focalLength = metadata.focalLength ?? focal
            }
            if metadata.takenAt == nil, let stamp = fields["raw:Timestamp"], !stamp.hasSuffix(" 1970") {
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.dateFormat = "EEE MMM d HH:mm:ss yyyy"
                let compact = stamp.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                if let date = formatter.date(from: compact) {
                    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
                    metadata.takenAt = formatter.string(from: date)
                }
            }
        }
    }

    /// Runs dcraw twice: `-i -v` for the report, `-c -h -w` for the pixels.
    func decode(path: String) throws -> Decoded {
        guard FileManager.default.isExecutableFile(atPath: dcrawPath) else {
            throw ImagingError(.decoderFailed, path: path, detail: "\(dcrawPath) not found (install dcraw)")
        }
        // An absolute path, so a file named like an option is never read as one.
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let report = try run(["-i", "-v", absolute], path: path)
        guard report.status == 0 else {
            throw ImagingError(.unreadableInput, path: path, detail: "dcraw cannot identify it: \(report.errorText)")
        }
        var fields: [String: String] = [:]
        for line in String(decoding: report.output, as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !key.isEmpty, !value.isEmpty, !key.hasPrefix("Filename") { fields["raw:\(key)"] = value }
        }
        let pixels = try run(["-c", "-h", "-w", absolute], path: path)
        guard pixels.status == 0, !pixels.output.isEmpty else {
            throw ImagingError(.decoderFailed, path: path, detail: "dcraw failed: \(pixels.errorText)")
        }
        return Decoded(pixmap: pixels.output, fields: fields)
    }

    private func run(_ arguments: [String], path: String) throws -> (status: Int32, output: [UInt8], errorText: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dcrawPath)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw ImagingError(.decoderFailed, path: path, detail: "cannot start dcraw: \(error)")
        }
        // Drain stderr on another thread so a chatty decoder cannot fill its pipe and stall.
        let errorBox = ErrorTextBox()
        let reader = Thread {
            errorBox.text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        reader.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return (process.terminationStatus, [UInt8](data), errorBox.text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

private final class ErrorTextBox: @unchecked Sendable {
    var text = ""
}
