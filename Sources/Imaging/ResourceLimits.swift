/// Bounds on what one decode may cost, so hostile input (decompression bombs, endless files) is
/// refused quickly instead of exhausting memory, disk or time.
///
/// Width, height and area are checked twice: against the dimensions a ping declares, before any
/// pixel is decoded, and by ImageMagick itself during the read. The time bound is enforced per image
/// through a progress monitor: ImageMagick's own `time` resource counts from the first pixel cache of
/// the *process* and then exits the process, which a daemon cannot accept.
package struct ResourceLimits: Sendable, Equatable {
    /// Widest image accepted, in pixels.
    package var maxWidth: Int = 16_384
    /// Tallest image accepted, in pixels.
    package var maxHeight: Int = 16_384
    /// Largest pixel count accepted (width × height as declared by the file).
    package var maxArea: Int = 128_000_000
    /// Pixel cache memory per process before ImageMagick falls back to memory maps.
    package var memoryBytes: Int = 256 << 20
    /// Memory-mapped pixel cache per process before ImageMagick falls back to disk.
    package var mapBytes: Int = 512 << 20
    /// Disk pixel cache per process; small, because a photo that needs disk is not a photo.
    package var diskBytes: Int = 64 << 20
    /// Images in one file (animated GIF, multi-page TIFF); only the first is used.
    package var maxFrames: Int = 1_000
    /// Wall-clock seconds one image may take to decode and convert.
    package var secondsPerImage: Double = 60

    /// The defaults: room for 100 MP photos, nothing near a bomb.
    package init() {}
}
