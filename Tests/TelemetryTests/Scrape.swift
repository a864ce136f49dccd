import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A scrape over a real socket, and the values of one family's series in it.
struct Scrape {
    let text: String

    static func get(_ url: String) async throws -> Scrape {
        let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: url)))
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200, "GET \(url): \(http.statusCode)")
        #expect((http.value(forHTTPHeaderField: "Content-Type") ?? "").hasPrefix("text/plain; version=0.0.4"))
        return Scrape(text: String(decoding: data, as: UTF8.self))
    }

    /// The sum of every sample of `name` whose labels include all of `labels` (0 when there is none).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
        var total = 0.0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let metric = series.prefix { $0 != "{" }
            guard metric == name else { continue }
            guard labels.allSatisfy({ series.contains("\($0.key)=\"\($0.value)\"") }) else { continue }
            total += Double(line[line.index(after: space)...]) ?? .nan
        }
        return total
    }

    /// The HELP text of each family.
    var help: [String: String] {
        var help: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# HELP ") {
            let rest = line.dropFirst("# HELP ".count)
            guard let space = rest.firstIndex(of: " ") else { continue }
            help[String(rest[..<space])] = String(rest[rest.index(after: space)...])
        }
        return help
    }
}
