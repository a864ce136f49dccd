import CCurl

/// One curl easy handle. It is reused request after request, so the connection it keeps alive is
/// reused too; `curl_easy_reset` clears options but keeps connections and caches.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Where downloaded bytes gather before they are written to a file; reused request after request.
    /// 256 KiB: 16 of curl's 16 KiB callbacks per `pwrite`, yet small enough to still be in the CPU
    /// cache when the kernel copies it (1 MiB measured a third slower in the kernel's copy).
    private let staging: UnsafeMutableRawBufferPointer

    init?() {
        guard CurlGlobal.initialized, let handle = curl_easy_init() else { return nil }
        self.handle = handle
        staging = .allocate(byteCount: 256 << 10, alignment: 16)
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
        staging.deallocate()
    }

    /// Runs one request to completion on the calling thread. Blocking: call only from a pool thread.
    func perform(
        _ request: TransportRequest, share: CurlShare, configuration: TransportConfiguration,
        cancellation: CancellationFlag
    ) -> Result<TransportResponse, TransportFailure> {
        curl_easy_reset(handle)
        errorBuffer[0] = 0
        let transfer = CurlTransfer(request: request, handle: handle, staging: staging, cancellation: cancellation)
        guard transfer.openBody() else {
            return .failure(TransportFailure(code: -1, message: "", requestSent: false, fileError: transfer.fileError))
        }
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        defer { curl_slist_free_all(headerList) }
        for (name, value) in request.headers {
            // curl drops a header given as "Name:" (nothing after the colon); "Name;" sends it empty.
            headerList = curl_slist_append(headerList, value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        // No `Expect: 100-continue` round trip before bodies, and no curl-invented content type for POST.
        headerList = curl_slist_append(headerList, "Expect:")
        if request.headers["content-type"] == nil { headerList = curl_slist_append(headerList, "Content-Type:") }

        let user = Unmanaged.passUnretained(transfer).toOpaque()
        setString(CURLOPT_URL, request.url)
        setPointer(CURLOPT_SHARE, share.handle)
        setPointer(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        setLong(CURLOPT_NOSIGNAL, 1)  // threads: no SIGALRM for DNS timeouts
        setLong(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        setLong(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(configuration.connectTimeout))
        setLong(CURLOPT_LOW_SPEED_LIMIT, 1)
        setLong(CURLOPT_LOW_SPEED_TIME, max(1, Self.milliseconds(configuration.stallTimeout) / 1000))
        setLong(CURLOPT_TCP_KEEPALIVE, 1)
        setLong(CURLOPT_BUFFERSIZE, configuration.downloadBufferSize)
        setLong(CURLOPT_UPLOAD_BUFFERSIZE, configuration.uploadBufferSize)
        setString(CURLOPT_USERAGENT, configuration.userAgent)
        if let bundle = configuration.caBundlePath { setString(CURLOPT_CAINFO, bundle) }
        if configuration.verbose { setLong(CURLOPT_VERBOSE, 1) }
        _ = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        _ = ccurl_setopt_write_callback(handle, curlWriteCallback)
        setPointer(CURLOPT_WRITEDATA, user)
        _ = ccurl_setopt_header_callback(handle, curlHeaderCallback)
        setPointer(CURLOPT_HEADERDATA, user)
        _ = ccurl_setopt_xferinfo_callback(handle, curlProgressCallback)
        setPointer(CURLOPT_XFERINFODATA, user)
        setLong(CURLOPT_NOPROGRESS, 0)
        configureMethod(request, user: user)

        let code = withExtendedLifetime(transfer) { curl_easy_perform(handle) }
        if code != CURLE_OK {
            var sent = 0
            _ = ccurl_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &sent)
            let buffer = String(cString: errorBuffer)
            let message = buffer.isEmpty ? String(cString: curl_easy_strerror(code)) : buffer
            return .failure(
                TransportFailure(
                    code: Int(code.rawValue), message: message, requestSent: sent > 0, fileError: transfer.fileError))
        }
        guard transfer.flush() else {
            return .failure(TransportFailure(code: -1, message: "", requestSent: true, fileError: transfer.fileError))
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(
            TransportResponse(
                status: status, headers: transfer.headers, body: transfer.body, bytesWritten: transfer.bytesWritten,
                digest: transfer.digest))
    }

    private func configureMethod(_ request: TransportRequest, user: UnsafeMutableRawPointer) {
        let hasBody: Bool
        if case .empty = request.body { hasBody = false } else { hasBody = true }
        switch request.method {
        case "GET":
            setLong(CURLOPT_HTTPGET, 1)
        case "HEAD":
            setLong(CURLOPT_NOBODY, 1)
        case "POST":
            setLong(CURLOPT_POST, 1)
            _ = ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.length))
        case "PUT":
            setLong(CURLOPT_UPLOAD, 1)
            _ = ccurl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(request.body.length))
        default:
            // DELETE, MERGE: curl sends the verb as given; with a body it behaves like PUT.
            setString(CURLOPT_CUSTOMREQUEST, request.method)
            if hasBody {
                setLong(CURLOPT_UPLOAD, 1)
                _ = ccurl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(request.body.length))
            }
        }
        if request.method == "POST" || request.method == "PUT" || hasBody {
            _ = ccurl_setopt_read_callback(handle, curlReadCallback)
            setPointer(CURLOPT_READDATA, user)
            _ = ccurl_setopt_seek_callback(handle, curlSeekCallback)
            setPointer(CURLOPT_SEEKDATA, user)
        }
    }

    private func setLong(_ option: CURLoption, _ value: Int) { _ = ccurl_setopt_long(handle, option, value) }
    private func setString(_ option: CURLoption, _ value: String) { _ = ccurl_setopt_string(handle, option, value) }
    private func setPointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer) {
        _ = ccurl_setopt_pointer(handle, option, value)
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
