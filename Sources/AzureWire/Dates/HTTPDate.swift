import Foundation

/// The two date formats on Azure's wire: RFC 1123 in headers (`x-ms-date`, `Last-Modified`, `Retry-After`),
/// ISO 8601 in bodies, SAS tokens and Table entities. Implemented over libc (`gmtime_r`, `timegm`) rather
/// than `DateFormatter`, which is slow and locale-sensitive, because they sit on every request's path.
package enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Tue, 25 Nov 2026 08:00:00 GMT`
    package static func rfc1123(_ date: Date) -> String {
        let parts = components(date)
        return "\(days[Int(parts.tm_wday)]), \(pad(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(pad(parts.tm_year + 1900, 4)) \(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)) GMT"
    }

    /// `2026-11-25T08:00:00.1234567Z`; SAS tokens carry the form without a fraction (`fractionDigits: 0`).
    package static func iso8601(_ date: Date, fractionDigits: Int = 7) -> String {
        let interval = date.timeIntervalSince1970
        let seconds = interval.rounded(.down)
        let parts = components(date)
        var text = "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))"
        if fractionDigits > 0 {
            let scale = pow(10.0, Double(fractionDigits))
            let fraction = min(Int(((interval - seconds) * scale).rounded(.down)), Int(scale) - 1)
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: fractionDigits - digits.count) + digits
        }
        return text + "Z"
    }

    /// The UTC calendar day of `date`, ISO 8601's date alone (`2026-11-25`).
    package static func iso8601Day(_ date: Date) -> String {
        let parts = components(date)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))"
    }

    /// Parses RFC 1123 (`Tue, 25 Nov 2026 08:00:00 GMT`), the only format Azure accepts in conditional headers.
    package static func parseRFC1123(_ text: String) -> Date? {
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

    /// Parses the ISO 8601 forms Azure accepts in SAS tokens and bodies: `2026-11-25` (midnight UTC),
    /// `2026-11-25T08:00Z`, `2026-11-25T08:00:00Z` and with up to seven fractional digits, with `Z` or
    /// a `±hh:mm` offset. `EdmDateTime` does the parsing, so every field is checked.
    package static func parseISO8601(_ text: String) -> Date? {
        let full = text.utf8.count == 10 ? text + "T00:00Z" : text
        guard let value = EdmDateTime(parsing: full) else { return nil }
        // Whole seconds and the fraction apart, so a whole second stays exact.
        var seconds = value.ticks / EdmDateTime.ticksPerSecond
        var fraction = value.ticks % EdmDateTime.ticksPerSecond
        if fraction < 0 {
            seconds -= 1
            fraction += EdmDateTime.ticksPerSecond
        }
        return Date(timeIntervalSince1970: Double(seconds) + Double(fraction) / Double(EdmDateTime.ticksPerSecond))
    }

    private static func components(_ date: Date) -> tm {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return parts
    }

    private static func pad(_ value: Int32, _ width: Int = 2) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
