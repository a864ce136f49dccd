#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The date formats Azure Storage speaks: RFC 1123 in headers (`x-ms-date`, `Last-Modified`,
/// `Retry-After`) and ISO 8601 in SAS tokens and Table entities. Done with `gmtime_r`/`timegm`
/// rather than `DateFormatter`, which is slow and locale-sensitive.
enum HTTPDate {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func components(_ seconds: Int) -> tm {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return parts
    }

    private static func pad(_ value: Int32, _ width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for a time in seconds since 1970.
    static func rfc1123(_ secondsSince1970: Int) -> String {
        let t = components(secondsSince1970)
        return "\(weekdays[Int(t.tm_wday)]), \(pad(t.tm_mday)) \(months[Int(t.tm_mon)]) \(pad(t.tm_year + 1900, 4)) "
            + "\(pad(t.tm_hour)):\(pad(t.tm_min)):\(pad(t.tm_sec)) GMT"
    }

    /// `2030-01-02T03:04:05Z`, the form SAS tokens carry.
    static func iso8601(_ secondsSince1970: Int) -> String {
        let t = components(secondsSince1970)
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1))-\(pad(t.tm_mday))T"
            + "\(pad(t.tm_hour)):\(pad(t.tm_min)):\(pad(t.tm_sec))Z"
    }

    /// Parses `Sun, 06 Nov 1994 08:49:37 GMT`; nil when the text is not in that form.
    static func parseRFC1123(_ text: String) -> Int? {
        let fields = text.split(separator: " ")
        guard fields.count == 6, let day = Int32(fields[1]), let month = months.firstIndex(of: String(fields[2])),
            let year = Int32(fields[3])
        else { return nil }
        let clock = fields[4].split(separator: ":").compactMap { Int32($0) }
        guard clock.count == 3 else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = Int32(month)
        parts.tm_mday = day
        parts.tm_hour = clock[0]
        parts.tm_min = clock[1]
        parts.tm_sec = clock[2]
        return Int(timegm(&parts))
    }

    /// Parses `2030-01-02T03:04:05[.fffffff]Z`, returning seconds and the fraction; nil when malformed.
    static func parseISO8601(_ text: String) -> Double? {
        var body = Substring(text)
        guard body.hasSuffix("Z") else { return nil }
        body = body.dropLast()
        var fraction = 0.0
        if let dot = body.firstIndex(of: ".") {
            fraction = Double("0" + body[dot...]) ?? 0
            body = body[..<dot]
        }
        let halves = body.split(separator: "T")
        guard halves.count == 2 else { return nil }
        let date = halves[0].split(separator: "-").compactMap { Int32($0) }
        let clock = halves[1].split(separator: ":").compactMap { Int32($0) }
        guard date.count == 3, clock.count == 3 else { return nil }
        var parts = tm()
        parts.tm_year = date[0] - 1900
        parts.tm_mon = date[1] - 1
        parts.tm_mday = date[2]
        parts.tm_hour = clock[0]
        parts.tm_min = clock[1]
        parts.tm_sec = clock[2]
        return Double(timegm(&parts)) + fraction
    }
}
