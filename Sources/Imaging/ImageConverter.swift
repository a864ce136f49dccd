import CMagickWand
import Foundation

/// Decodes a photo once and makes everything the catalog needs from that one decode: metadata,
/// the rendition cascade, the perceptual hash.
///
/// The JPEG decoder is asked (`jpeg:size`) for the smallest DCT scale that still covers the largest
/// rendition, then each rendition is resized from the smallest already-made one that covers it.
/// The decoded photo is never rotated: the first (largest) rendition is turned upright and the smaller
/// ones derive from it.
///
/// Thread-safe: each call builds its own wands. Calls block (decoding is CPU work), so run them on a
/// worker thread, one per core, not on Swift's cooperative pool.
package struct ImageConverter: Sendable {
    /// The configuration in force.
    package let configuration: ImagingConfiguration
    private let srgbProfile: [UInt8]?

    /// Starts ImageMagick (once per process) with the configured limits.
    package init(configuration: ImagingConfiguration = .init()) {
        self.configuration = configuration
        MagickRuntime.start(limits: configuration.limits)
        srgbProfile = configuration.srgbProfilePaths.lazy.compactMap { FileManager.default.contents(atPath: $0) }
            .first.map { [UInt8]($0) }
    }

    /// The linked ImageMagick's version line.
    package static var imageMagickVersion: String { MagickRuntime.version }

    /// Reads the file at `path` and analyses it.
    package func analyze(fileAt path: String) throws -> ImageAnalysis {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImagingError(
                .unreadableInput, path: path, detail: "cannot read file: \(String(cString: strerror(errno)))")
        }
        return try analyze(bytes: [UInt8](data), path: path)
    }

    /// Analyses bytes already in memory (the ingest reads each file once, for hashing and decoding).
    /// `path` names the file in errors and decides RAW by its extension.
    package func analyze(bytes: [UInt8], path: String) throws -> ImageAnalysis {
        let ext = (path as NSString).pathExtension
        let format = ImageFormat.sniff(bytes.prefix(32), fileExtension: ext)
        if bytes.isEmpty {
            throw ImagingError(.unreadableInput, path: path, detail: "empty file (0 bytes)")
        }
        switch format {
        case .other:
            let claimed = ImageFormat.imageExtensions.contains(ext.lowercased())
            throw ImagingError(
                claimed ? .unreadableInput : .unsupportedFormat, path: path,
                detail: claimed ? "content is not an image despite the .\(ext) extension" : "not an image format")
        case .raw:
            let decoded = try RawDecoder(dcrawPath: configuration.dcrawPath).decode(path: path)
            var analysis = try analyzeDecodable(decoded.pixmap, coder: "PPM", format: .raw, path: path)
            analysis.metadata.raw.merge(decoded.fields) { mine, _ in mine }
            decoded.apply(to: &analysis.metadata)
            return analysis
        default:
            return try analyzeDecodable(bytes, coder: format.coder ?? "JPEG", format: format, path: path)
        }
    }

    private func analyzeDecodable(_ bytes: [UInt8], coder: String, format: ImageFormat, path: String) throws
        -> ImageAnalysis
    {
        try bytes.withUnsafeBytes { buffer in
            // 1. Declared dimensions, refused before a single pixel is decoded: our own header read
            //    first (no ImageMagick code runs on a bomb), then ImageMagick's ping.
            if let declared = DeclaredSize.of(buffer, format: format) {
                try checkLimits(declared, path: path)
            }
            let probe = MagickImage()
            try probe.ping(buffer, coder: coder, path: path)
            let declared = PixelSize(width: probe.width, height: probe.height)
            try checkLimits(declared, path: path)

            // 2. Decode once, at the smallest JPEG DCT scale that still covers the largest rendition.
            let orientation = probe.orientation
            let swapsAxes = orientation >= 5
            let upright = swapsAxes ? PixelSize(width: declared.height, height: declared.width) : declared
            let plan = configuration.renditions.map { spec in
                (spec, spec.size(forSourceWidth: upright.width, height: upright.height))
            }
            let image = MagickImage()
            if format == .jpeg, let largest = plan.map(\.1.scaled).max(by: { $0.area < $1.area }) {
                let stored = swapsAxes ? PixelSize(width: largest.height, height: largest.width) : largest
                image.setOption("jpeg:size", stored.description)
            }
            let warning = try image.read(
                buffer, coder: coder, path: path, seconds: configuration.limits.secondsPerImage)

            // 3. Describe.
            var metadata = ImageMetadata()
            metadata.format = format
            metadata.width = upright.width
            metadata.height = upright.height
            metadata.orientation = orientation
            describe(image, into: &metadata)

            // 4. sRGB, then drop every profile so previews carry no metadata.
            try convertToSRGB(image, path: path)
            image.strip()

            // 5. The cascade. Clones share the read's deadline: a conversion stopped by it surfaces
            //    as a failed resize or write, reported as the time limit it is.
            let renditions: [Rendition]
            let hash: PerceptualHash
            do {
                (renditions, hash) = try makeRenditions(from: image, orientation: orientation, plan: plan, path: path)
            } catch let error as ImagingError where image.timedOut {
                throw ImagingError(.resourceLimit, path: path, detail: "time limit exceeded: \(error.detail ?? "")")
            }
            var warnings: [String] = []
            if let warning { warnings.append(warning.text) }
            return ImageAnalysis(
                metadata: metadata, renditions: renditions, perceptualHash: hash, warnings: warnings,
                damaged: warning?.corrupt ?? false)
        }
    }

    private func makeRenditions(
        from image: MagickImage, orientation: Int, plan: [(RenditionSpec, (scaled: PixelSize, final: PixelSize))],
        path: String
    ) throws -> ([Rendition], PerceptualHash) {
        let cascade = RenditionCascade(base: image, orientation: orientation, path: path)
        // Largest first, so each one can derive from a bigger one; reported in configured order.
        var made: [Int: Rendition] = [:]
        for index in plan.indices.sorted(by: { plan[$0].1.scaled.area > plan[$1].1.scaled.area }) {
            let (spec, size) = plan[index]
            let jpeg = try cascade.render(
                scaled: size.scaled, final: size.final, quality: configuration.quality,
                progressive: configuration.progressive)
            made[index] = Rendition(name: spec.name, size: size.final, jpeg: jpeg)
        }
        return (plan.indices.compactMap { made[$0] }, try cascade.perceptualHash())
    }

    private func checkLimits(_ size: PixelSize, path: String) throws {
        let limits = configuration.limits
        guard size.width > 0, size.height > 0 else {
            throw ImagingError(.unreadableInput, path: path, detail: "declares no pixels (\(size))")
        }
        if size.width > limits.maxWidth || size.height > limits.maxHeight || size.area > limits.maxArea {
            throw ImagingError(
                .resourceLimit, path: path,
                detail: "declares \(size) (\(size.area) pixels); limits are \(limits.maxWidth)x\(limits.maxHeight), "
                    + "\(limits.maxArea) pixels")
        }
    }

    private func describe(_ image: MagickImage, into metadata: inout ImageMetadata) {
        ExifFields.apply(image.properties("exif:*"), to: &metadata)
        if let xmp = image.profile("xmp") {
            XMPFields.apply(String(decoding: xmp, as: UTF8.self), to: &metadata)
        }
        if let iptc = image.profile("iptc") {
            IPTCFields.apply(iptc, to: &metadata)
        }
        if let description = image.property("icc:description") {
            metadata.raw["icc:description"] = description
        }
    }

    private func convertToSRGB(_ image: MagickImage, path: String) throws {
        if image.profile("icc") != nil, let srgbProfile {
            let description = image.property("icc:description")?.lowercased() ?? ""
            if !description.contains("srgb") {
                try image.convertProfile(to: srgbProfile, path: path)
                return
            }
        }
        if image.isCMYK { image.transformToSRGB() }
    }
}
