import CCurl
import Crypto
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Set from any thread to stop a transfer; curl's progress callback polls it (at least once a second).
final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func cancel() { value.store(true, ordering: .relaxed) }
    var isCancelled: Bool { value.load(ordering: .relaxed) }
}

/// The state of one request while curl runs it: the body being read, the headers and body being
/// received. Only the pool thread running `curl_easy_perform` touches it, through the C callbacks.
final class CurlTransfer {
    let request: TransportRequest
    let cancellation: CancellationFlag
    /// The easy handle, to ask curl for the status from inside the write callback.
    let handle: UnsafeMutableRawPointer

    // Upload side.
    private var uploadPosition: Int64 = 0
    private var uploadDescriptor: Int32 = -1
    // Download side.
    private(set) var headers = HTTPHeaders()
    private(set) var body: [UInt8] = []
    private(set) var bytesWritten: Int64 = 0
    private var hasher: StreamHasher?
    private var bodyToFile: Bool?
    /// curl hands the write callback 16 KiB at a time; bytes for the file are gathered here (a
    /// buffer the easy handle owns and reuses) and written a buffer at a time: 16 times fewer `pwrite`s.
    private let staging: UnsafeMutableRawBufferPointer
    private var staged = 0
    private var flushed: Int64 = 0
    /// errno text when a local read or write failed inside a callback.
    private(set) var fileError: String?

    init(
        request: TransportRequest, handle: UnsafeMutableRawPointer, staging: UnsafeMutableRawBufferPointer,
        cancellation: CancellationFlag
    ) {
        self.request = request
        self.staging = staging
        self.handle = handle
        self.cancellation = cancellation
        if case .file(_, _, let digest?) = request.sink { hasher = StreamHasher(digest) }
    }

    deinit {
        if uploadDescriptor >= 0 { close(uploadDescriptor) }
    }

    /// Opens the body's file, if any, before curl starts reading.
    func openBody() -> Bool {
        guard case .file(let path, _, _) = request.body else { return true }
        uploadDescriptor = open(path, O_RDONLY | O_CLOEXEC)
        if uploadDescriptor < 0 {
            fileError = "open \(path): \(String(cString: strerror(errno)))"
            return false
        }
        return true
    }

    var digest: [UInt8]? { hasher?.finalize() }

    // MARK: callbacks

    /// Fills curl's buffer with the next bytes of the body; 0 ends it.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let remaining = request.body.length - uploadPosition
        let count = Int(min(Int64(capacity), remaining))
        guard count > 0 else { return 0 }
        switch request.body {
        case .empty:
            return 0
        case .bytes(let bytes):
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawPointer(buffer).copyMemory(
                    from: source.baseAddress! + Int(uploadPosition), byteCount: count)
            }
        case .file(let path, let offset, _):
            var done = 0
            while done < count {
                let n = pread(
                    uploadDescriptor, buffer + done, count - done, off_t(offset + uploadPosition) + off_t(done))
                if n < 0, errno == EINTR { continue }
                if n <= 0 {
                    fileError =
                        "read \(path): " + (n == 0 ? "file is shorter than expected" : String(cString: strerror(errno)))
                    return Int(CURL_READFUNC_ABORT)
                }
                done += n
            }
        }
        uploadPosition += Int64(count)
        return count
    }

    /// Rewinds the body when curl must resend it (a kept-alive connection that turned out dead).
    func seek(to offset: Int64) -> Int32 {
        guard offset >= 0, offset <= request.body.length else { return Int32(CURL_SEEKFUNC_FAIL) }
        uploadPosition = offset
        return Int32(CURL_SEEKFUNC_OK)
    }

    /// One header line as curl hands it over (`Name: value\r\n`), or a status line, which starts a new set (a
    /// `100 Continue` or a redirect came first). Parsed on the bytes: a response's dozen lines were 2.7 % of the
    /// daemon's CPU through `String` searches and trims.
    func header(_ line: UnsafeRawBufferPointer) {
        if line.starts(with: "HTTP/".utf8) {
            headers = HTTPHeaders()
        } else if let field = Self.field(of: line) {
            headers.add(field.name, field.value)
        }
    }

    /// The lowercased name and the trimmed value of a header line; nil for a line without a colon (the blank
    /// line that ends the headers).
    static func field(of line: UnsafeRawBufferPointer) -> (name: String, value: String)? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = trimmed(line[..<colon])
        let value = trimmed(line[(colon + 1)...])
        let lowercased = String(unsafeUninitializedCapacity: name.count) { buffer in
            for (index, byte) in name.enumerated() {
                buffer[index] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            }
            return name.count
        }
        return (lowercased, String(decoding: value, as: UTF8.self))
    }

    /// Without the spaces, tabs and line ends around it.
    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) })
        else { return bytes[bytes.startIndex..<bytes.startIndex] }
        return bytes[first...last]
    }

    /// Takes received body bytes; returning less than offered makes curl abort with a write error.
    func write(_ chunk: UnsafeRawBufferPointer) -> Int {
        if bodyToFile == nil {
            var status = 0
            _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            if case .file = request.sink, (200..<300).contains(status) { bodyToFile = true } else { bodyToFile = false }
        }
        guard bodyToFile == true else {
            body.append(contentsOf: chunk)
            return chunk.count
        }
        hasher?.update(chunk)
        bytesWritten += Int64(chunk.count)
        var consumed = 0
        while consumed < chunk.count {
            let count = min(chunk.count - consumed, staging.count - staged)
            (staging.baseAddress! + staged).copyMemory(from: chunk.baseAddress! + consumed, byteCount: count)
            staged += count
            consumed += count
            if staged == staging.count, !flush() { return 0 }
        }
        return chunk.count
    }

    /// Writes what is staged to the file sink; false (with `fileError` set) when the disk refuses.
    func flush() -> Bool {
        guard staged > 0, case .file(let descriptor, let offset, _) = request.sink else { return true }
        var done = 0
        while done < staged {
            let n = pwrite(descriptor, staging.baseAddress! + done, staged - done, off_t(offset + flushed) + off_t(done))
            if n < 0, errno == EINTR { continue }
            if n < 0 {
                fileError = "write: \(String(cString: strerror(errno)))"
                return false
            }
            done += n
        }
        flushed += Int64(staged)
        staged = 0
        return true
    }
}

// C entry points: curl passes the transfer back as the user pointer.

let curlReadCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    buffer, size, count, user in
    guard let buffer, let user else { return Int(CURL_READFUNC_ABORT) }
    return Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue().read(into: buffer, capacity: size * count)
}

let curlWriteCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    buffer, size, count, user in
    guard let buffer, let user else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.write(UnsafeRawBufferPointer(start: buffer, count: size * count))
}

let curlHeaderCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    buffer, size, count, user in
    guard let buffer, let user else { return 0 }
    Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
        .header(UnsafeRawBufferPointer(start: buffer, count: size * count))
    return size * count
}

let curlSeekCallback: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, Int32) -> Int32 = { user, offset, origin in
    guard let user, origin == SEEK_SET else { return Int32(CURL_SEEKFUNC_CANTSEEK) }
    return Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue().seek(to: Int64(offset))
}

let curlProgressCallback:
    @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> Int32 = {
        user, _, _, _, _ in
        guard let user else { return 0 }
        return Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue().cancellation.isCancelled ? 1 : 0
    }
