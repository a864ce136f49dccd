import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file descriptor for uploads and downloads. Every method blocks: call them through
/// `HTTPTransport.runBlocking`, never on the cooperative pool. Closed when released.
final class LocalFile: Sendable {
    let descriptor: Int32
    let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Opens a file to upload. Without blocking: a FIFO put where the file was would wait for a writer
    /// forever; anything but a regular file is refused.
    static func openForReading(_ path: String, operation: String) throws(AzureStorageError) -> LocalFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw error(operation, "open \(path)") }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw AzureStorageError(.fileSystem, operation: operation, detail: "\(path) is not a regular file")
        }
        _ = fcntl(fd, F_SETFL, O_RDONLY)
        return LocalFile(descriptor: fd, path: path)
    }

    /// Creates (or truncates) a file to write a download into.
    static func create(_ path: String, operation: String) throws(AzureStorageError) -> LocalFile {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw error(operation, "create \(path)") }
        return LocalFile(descriptor: fd, path: path)
    }

    func size(operation: String) throws(AzureStorageError) -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Self.error(operation, "stat \(path)") }
        return Int64(info.st_size)
    }

    /// Reads exactly `count` bytes at `offset`; a file that shrank underneath is an error.
    func read(offset: Int64, count: Int, operation: String) throws(AzureStorageError) -> [UInt8] {
        var failure: AzureStorageError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0, errno == EINTR { continue }
                if n <= 0 {
                    failure =
                        n == 0
                        ? AzureStorageError(
                            .fileSystem, operation: operation,
                            detail: "read \(path): the file is shorter than expected (it changed during the upload?)")
                        : Self.error(operation, "read \(path)")
                    break
                }
                done += n
            }
            initialized = done
        }
        if let failure { throw failure }
        return bytes
    }

    /// Feeds `count` bytes from `offset` into an MD5, through one reused megabyte buffer.
    func hash(offset: Int64, count: Int64, into hasher: inout StreamHasher, operation: String) throws(AzureStorageError) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var position: Int64 = 0
        while position < count {
            let chunk = Int(min(Int64(buffer.count), count - position))
            let n = pread(descriptor, buffer.baseAddress!, chunk, off_t(offset + position))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                throw n == 0
                    ? AzureStorageError(.fileSystem, operation: operation, detail: "read \(path): the file is shorter than expected")
                    : Self.error(operation, "read \(path)")
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
            position += Int64(n)
        }
    }

    func sync(operation: String) throws(AzureStorageError) {
        guard fsync(descriptor) == 0 else { throw Self.error(operation, "fsync \(path)") }
    }

    private static func error(_ operation: String, _ what: String) -> AzureStorageError {
        AzureStorageError(.fileSystem, operation: operation, detail: "\(what): \(String(cString: strerror(errno)))")
    }
}
