import CMagickWand
import Glibc

/// Owns one `MagickWand` and confines the C calls of this module to one type.
///
/// Not `Sendable`: a wand is used by one worker thread from read to last write. Input is always
/// handed over as bytes with an explicit coder (`JPEG`, `PNG`…), never as a file name, so ImageMagick
/// never interprets a hostile name (`msl:`, `ephemeral:`, `[0]` suffixes) and never picks an exotic coder.
final class MagickImage {
    private(set) var wand: OpaquePointer
    private var deadline: UnsafeMutablePointer<Double>?

    init() {
        wand = NewMagickWand()
    }

    private init(wand: OpaquePointer) {
        self.wand = wand
    }

    deinit {
        DestroyMagickWand(wand)
        deadline?.deallocate()
    }

    /// An independent copy (its own pixels), used to branch the rendition cascade.
    func clone() -> MagickImage {
        MagickImage(wand: CloneMagickWand(wand))
    }

    // MARK: reading

    /// Sets a coder option such as `jpeg:size` before a read.
    func setOption(_ key: String, _ value: String) {
        _ = MagickSetOption(wand, key, value)
    }

    /// Reads only the header: dimensions and metadata without decoding pixels.
    func ping(_ bytes: UnsafeRawBufferPointer, coder: String, path: String) throws {
        _ = MagickSetFormat(wand, coder)
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw ImagingError(.unreadableInput, path: path, detail: "empty file")
        }
        if MagickPingImageBlob(wand, base, bytes.count) != MagickTrue {
            throw failure(path: path)
        }
    }

    /// Decodes the pixels, giving up once `seconds` have passed. Returns ImageMagick's warning text when
    /// the read succeeded with a warning (a truncated JPEG decodes "successfully" with a grey lower part).
    func read(
        _ bytes: UnsafeRawBufferPointer, coder: String, path: String, seconds: Double
    ) throws -> (text: String, corrupt: Bool)? {
        MagickClearException(wand)
        _ = MagickSetFormat(wand, coder)
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw ImagingError(.unreadableInput, path: path, detail: "empty file")
        }
        armDeadline(seconds: seconds)
        let ok = MagickReadImageBlob(wand, base, bytes.count)
        if ok != MagickTrue || timedOut {
            // A decoder stopped by the progress monitor may still hand back a partial image.
            throw failure(path: path)
        }
        if MagickGetNumberImages(wand) > 1 {
            keepFirstFrame()
        }
        return warning()
    }

    /// Drops every frame but the first (animated GIF, multi-page TIFF).
    private func keepFirstFrame() {
        MagickResetIterator(wand)
        _ = MagickSetIteratorIndex(wand, 0)
        if let first = MagickGetImage(wand) {
            DestroyMagickWand(wand)
            wand = first
        }
    }

    /// Installs a progress monitor that cancels the running operation after the deadline: a per-image
    /// time limit (ImageMagick's own one is per process and fatal).
    private func armDeadline(seconds: Double) {
        if deadline == nil {
            deadline = .allocate(capacity: 1)
        }
        deadline!.pointee = Self.monotonicSeconds() + seconds
        _ = MagickSetProgressMonitor(
            wand,
            { _, _, _, context in
                guard let context else { return MagickTrue }
                let deadline = context.assumingMemoryBound(to: Double.self).pointee
                return MagickImage.monotonicSeconds() < deadline ? MagickTrue : MagickFalse
            }, UnsafeMutableRawPointer(deadline))
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    var timedOut: Bool {
        guard let deadline else { return false }
        return Self.monotonicSeconds() >= deadline.pointee
    }

    // MARK: properties

    var width: Int { Int(MagickGetImageWidth(wand)) }
    var height: Int { Int(MagickGetImageHeight(wand)) }

    /// The EXIF orientation as 1…8 (1 when absent or undefined).
    var orientation: Int {
        let value = Int(MagickGetImageOrientation(wand).rawValue)
        return (1...8).contains(value) ? value : 1
    }

    var isCMYK: Bool { MagickGetImageColorspace(wand) == CMYKColorspace }
    var isGray: Bool { MagickGetImageColorspace(wand) == GRAYColorspace }

    /// Every property whose name matches `pattern` (`exif:*`), as ImageMagick formats them.
    func properties(_ pattern: String) -> [String: String] {
        var count = 0
        guard let names = MagickGetImageProperties(wand, pattern, &count) else { return [:] }
        defer { MagickRelinquishMemory(names) }
        var result: [String: String] = [:]
        for index in 0..<count {
            guard let name = names[index] else { continue }
            defer { MagickRelinquishMemory(name) }
            let key = String(cString: name)
            if let value = MagickGetImageProperty(wand, name) {
                result[key] = String(cString: value)
                MagickRelinquishMemory(value)
            }
        }
        return result
    }

    /// One property, or nil.
    func property(_ name: String) -> String? {
        guard let value = MagickGetImageProperty(wand, name) else { return nil }
        defer { MagickRelinquishMemory(value) }
        return String(cString: value)
    }

    /// The raw bytes of a profile (`icc`, `xmp`, `iptc`, `exif`), or nil.
    func profile(_ name: String) -> [UInt8]? {
        var length = 0
        guard let bytes = MagickGetImageProfile(wand, name, &length) else { return nil }
        defer { MagickRelinquishMemory(bytes) }
        guard length > 0 else { return nil }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }

    /// The names of the profiles the image carries.
    func profileNames() -> [String] {
        var count = 0
        guard let names = MagickGetImageProfiles(wand, "*", &count) else { return [] }
        defer { MagickRelinquishMemory(names) }
        return (0..<count).compactMap { index in
            guard let name = names[index] else { return nil }
            defer { MagickRelinquishMemory(name) }
            return String(cString: name)
        }
    }

    // MARK: transforms

    /// Converts pixels from the embedded ICC profile to the profile given (sRGB), then drops both.
    func convertProfile(to target: [UInt8], path: String) throws {
        let ok = target.withUnsafeBytes { MagickProfileImage(wand, "icc", $0.baseAddress, $0.count) }
        if ok != MagickTrue { throw failure(path: path) }
    }

    /// Converts to the sRGB colour space by formula (CMYK, grey, Lab) when no profile applies.
    func transformToSRGB() {
        _ = MagickTransformImageColorspace(wand, sRGBColorspace)
    }

    /// Resamples to exactly `width` × `height` with the given filter (`Triangle`, `Lanczos`…).
    func resize(width: Int, height: Int, filter: FilterTypes, path: String) throws {
        if MagickResizeImage(wand, width, height, filter, 1.0) != MagickTrue {
            throw failure(path: path)
        }
    }

    /// Box-averages to exactly `width` × `height`; fast, for large integer-ish reductions.
    func scale(width: Int, height: Int, path: String) throws {
        if MagickScaleImage(wand, width, height) != MagickTrue { throw failure(path: path) }
    }

    /// Cuts a region and resets the virtual canvas so the writer sees a plain image.
    func crop(width: Int, height: Int, x: Int, y: Int, path: String) throws {
        if MagickCropImage(wand, width, height, x, y) != MagickTrue { throw failure(path: path) }
        _ = MagickSetImagePage(wand, width, height, 0, 0)
    }

    /// Turns pixels stored with EXIF orientation `orientation` (1…8) upright, and marks them top-left.
    /// Explicit rather than `MagickAutoOrientImage`, so it does not depend on what `strip` kept.
    func orient(_ orientation: Int, path: String) throws {
        let background = NewPixelWand()
        defer { DestroyPixelWand(background) }
        let ok: MagickBooleanType
        switch orientation {
        case 2: ok = MagickFlopImage(wand)
        case 3: ok = MagickRotateImage(wand, background, 180)
        case 4: ok = MagickFlipImage(wand)
        case 5: ok = MagickTransposeImage(wand)
        case 6: ok = MagickRotateImage(wand, background, 90)
        case 7: ok = MagickTransverseImage(wand)
        case 8: ok = MagickRotateImage(wand, background, 270)
        default: ok = MagickTrue
        }
        if ok != MagickTrue { throw failure(path: path) }
        _ = MagickSetImageOrientation(wand, TopLeftOrientation)
        _ = MagickSetImagePage(wand, width, height, 0, 0)
    }

    /// Removes profiles and comments (metadata stays in the catalog, not in previews).
    func strip() {
        _ = MagickStripImage(wand)
    }

    /// Encodes as a progressive JPEG at `quality` and returns the bytes.
    func jpegBytes(quality: Int, progressive: Bool, path: String) throws -> [UInt8] {
        _ = MagickSetImageCompressionQuality(wand, quality)
        // 4:2:0 chroma below quality 90, 4:4:4 from 90 up (what libjpeg's cjpeg and libvips do); the
        // writer would otherwise subsample at any quality set on the image alone.
        var factors: [Double] = quality >= 90 ? [1, 1, 1] : [2, 1, 1]
        _ = MagickSetSamplingFactors(wand, factors.count, &factors)
        // ImageMagick 6's JPEG writer reads the wand's (image_info's) interlace, not the image's.
        _ = MagickSetInterlaceScheme(wand, progressive ? PlaneInterlace : NoInterlace)
        _ = MagickSetImageInterlaceScheme(wand, progressive ? PlaneInterlace : NoInterlace)
        return try blob(format: "JPEG", path: path)
    }

    /// Encodes in the format already set on the image (or `format`) and returns the bytes.
    func blob(format: String? = nil, path: String) throws -> [UInt8] {
        if let format {
            // Both: the wand's format (set for reading, copied into clones) would otherwise win.
            _ = MagickSetFormat(wand, format)
            _ = MagickSetImageFormat(wand, format)
        }
        var length = 0
        guard let bytes = MagickGetImageBlob(wand, &length), length > 0 else {
            throw ImagingError(.writeFailed, path: path, detail: exceptionText() ?? "encoder returned nothing")
        }
        defer { MagickRelinquishMemory(bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }

    /// Grey levels (0…255) of the whole image, row by row; used for the perceptual hash.
    func grayPixels() -> [UInt8] {
        let count = width * height
        var pixels = [UInt8](repeating: 0, count: count)
        pixels.withUnsafeMutableBytes { buffer in
            _ = MagickExportImagePixels(wand, 0, 0, width, height, "I", CharPixel, buffer.baseAddress)
        }
        return pixels
    }

    // MARK: errors

    /// ImageMagick's pending exception text, if any.
    func exceptionText() -> String? {
        var severity = UndefinedException
        guard let text = MagickGetException(wand, &severity) else { return nil }
        defer { MagickRelinquishMemory(text) }
        let message = String(cString: text)
        return message.isEmpty ? nil : message
    }

    /// The pending exception if it is only a warning (severity below ErrorException); `corrupt` when
    /// ImageMagick classed it as corrupt image data (truncated or damaged file). ImageMagick 6 files
    /// decoder warnings on the image rather than the wand, so both are looked at.
    func warning() -> (text: String, corrupt: Bool)? {
        var severity = UndefinedException
        if let text = MagickGetException(wand, &severity) {
            defer { MagickRelinquishMemory(text) }
            if severity != UndefinedException, severity.rawValue < ErrorException.rawValue {
                let message = String(cString: text)
                return (message.isEmpty ? "warning \(severity.rawValue)" : message, severity == CorruptImageWarning)
            }
        }
        guard let image = GetImageFromMagickWand(wand), let exception = AcquireExceptionInfo() else { return nil }
        defer { DestroyExceptionInfo(exception) }
        GetImageException(image, exception)
        let found = exception.pointee.severity
        guard found != UndefinedException, found.rawValue < ErrorException.rawValue else { return nil }
        let reason = exception.pointee.reason.map { String(cString: $0) } ?? ""
        let description = exception.pointee.description.map { String(cString: $0) } ?? ""
        let text = [reason, description].filter { !$0.isEmpty }.joined(separator: ": ")
        return (text.isEmpty ? "warning \(found.rawValue)" : text, found == CorruptImageWarning)
    }

    /// Turns the pending exception into an `ImagingError`, classifying resource-limit refusals.
    func failure(path: String) -> ImagingError {
        let text = exceptionText() ?? "ImageMagick reported failure without text"
        if timedOut {
            return ImagingError(.resourceLimit, path: path, detail: "time limit exceeded: \(text)")
        }
        let lowered = text.lowercased()
        let limit = ["exceeds limit", "resource limit", "cache resources exhausted", "too many", "limit exceeded"]
        if limit.contains(where: { lowered.contains($0) }) {
            return ImagingError(.resourceLimit, path: path, detail: text)
        }
        return ImagingError(.unreadableInput, path: path, detail: text)
    }
}
