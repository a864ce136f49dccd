import CCurl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process-wide libcurl initialisation: `curl_global_init` is not thread-safe, so it runs once,
/// the first time a transport is made (Swift's static initialisers are thread-safe).
enum CurlGlobal {
    static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}

/// A curl share handle that lets every easy handle of one transport reuse DNS answers and TLS
/// sessions (resumed handshakes to `*.core.windows.net`). Connections themselves stay with their
/// easy handle: curl does not support sharing live connections between concurrent threads.
final class CurlShare: @unchecked Sendable {
    // Safe to send: curl serializes access to the shared data through the lock callbacks below.
    let handle: UnsafeMutableRawPointer
    private let locks: UnsafeMutablePointer<pthread_mutex_t>
    private static let lockCount = Int(CURL_LOCK_DATA_LAST.rawValue) + 1

    init?() {
        guard CurlGlobal.initialized, let handle = curl_share_init() else { return nil }
        self.handle = handle
        locks = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: Self.lockCount)
        for index in 0..<Self.lockCount { pthread_mutex_init(locks + index, nil) }
        _ = ccurl_share_setopt_pointer(handle, CURLSHOPT_USERDATA, UnsafeMutableRawPointer(locks))
        _ = ccurl_share_setopt_lock(handle, curlShareLock)
        _ = ccurl_share_setopt_unlock(handle, curlShareUnlock)
        _ = ccurl_share_setopt_long(handle, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_DNS.rawValue))
        _ = ccurl_share_setopt_long(handle, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_SSL_SESSION.rawValue))
    }

    deinit {
        curl_share_cleanup(handle)
        for index in 0..<Self.lockCount { pthread_mutex_destroy(locks + index) }
        locks.deallocate()
    }
}

/// One mutex per kind of shared data, as curl asks.
private let curlShareLock:
    @convention(c) (UnsafeMutableRawPointer?, curl_lock_data, curl_lock_access, UnsafeMutableRawPointer?) -> Void = {
        _, data, _, user in
        guard let user else { return }
        pthread_mutex_lock(user.assumingMemoryBound(to: pthread_mutex_t.self) + Int(data.rawValue))
    }

private let curlShareUnlock:
    @convention(c) (UnsafeMutableRawPointer?, curl_lock_data, UnsafeMutableRawPointer?) -> Void = {
        _, data, user in
        guard let user else { return }
        pthread_mutex_unlock(user.assumingMemoryBound(to: pthread_mutex_t.self) + Int(data.rawValue))
    }
