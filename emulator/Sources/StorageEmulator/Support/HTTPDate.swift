import Foundation

/// The two date formats on Azure's wire: RFC 1123 in headers, ISO 8601 with seven
/// fractional digits in bodies and SAS tokens. Implemented over libc (`gmtime_r`,
/// `timegm`) because they sit on every response's hot path.
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Tue, 25 Nov 2026 08:00:00 GMT`
    static func rfc1123(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return "\(days[Int(parts.tm_wday)]), \(pad(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)) GMT"
    }

    /// `2026-11-25T08:00:00.1234567Z`
    static func iso8601(_ date: Date, fractionDigits: Int = 7) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text = "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))"
        if fractionDigits > 0 {
            let scale = pow(10.0, Double(fractionDigits))
            let fraction = min(Int(((interval - Double(seconds)) * scale).rounded(.down)), Int(scale) - 1)
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: fractionDigits - digits.count) + digits
        }
        return text + "Z"
    }

    /// Parses RFC 1123 (`Tue, 25 Nov 2026 08:00:00 GMT`), the only format Azure accepts in conditional headers.
    static func parseRFC1123(_ text: String) -> Date? {
        let fields = text.split(separator: " ")
        guard fields.count == 6, fields[5] == "GMT" || fields[5] == "UTC",
            let day = Int32(fields[1]), let monthIndex = months.firstIndex(of: String(fields[2])),
            let year = Int32(fields[3])
        else { return nil }
        let clock = fields[4].split(separator: ":")
        guard clock.count == 3, let hour = Int32(clock[0]), let minute = Int32(clock[1]), let second = Int32(clock[2])
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = Int32(monthIndex)
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// Parses the ISO 8601 forms Azure accepts in SAS tokens and bodies: `2026-11-25`, `2026-11-25T08:00Z`,
    /// `2026-11-25T08:00:00Z` and with up to seven fractional digits, with `Z` or a numeric offset.
    static func parseISO8601(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ count: Int) -> Int32? {
            guard index + count <= bytes.count else { return nil }
            var value: Int32 = 0
            for byte in bytes[index..<index + count] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int32(byte - 48)
            }
            index += count
            return value
        }
        func expect(_ char: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == char else { return false }
            index += 1
            return true
        }
        var parts = tm()
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2) else { return nil }
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        var fraction = 0.0
        var offsetSeconds = 0
        if index < bytes.count {
            guard expect(84) || expect(32), let hour = number(2), expect(58), let minute = number(2) else { return nil }
            parts.tm_hour = hour
            parts.tm_min = minute
            if expect(58) {
                guard let second = number(2) else { return nil }
                parts.tm_sec = second
                if expect(46) {
                    var scale = 0.1
                    while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 {
                        fraction += Double(bytes[index] - 48) * scale
                        scale /= 10
                        index += 1
                    }
                }
            }
            if expect(90) {
                // UTC
            } else if index < bytes.count, bytes[index] == 43 || bytes[index] == 45 {
                let sign = bytes[index] == 43 ? 1 : -1
                index += 1
                guard let offsetHours = number(2) else { return nil }
                _ = expect(58)
                let offsetMinutes = number(2) ?? 0
                offsetSeconds = sign * (Int(offsetHours) * 3600 + Int(offsetMinutes) * 60)
            }
        }
        guard index == bytes.count else { return nil }
        let seconds = TimeInterval(timegm(&parts)) - TimeInterval(offsetSeconds)
        return Date(timeIntervalSince1970: seconds + fraction)
    }

    private static func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
