import ArgumentParser
import Catalog

/// `ironviper search QUERY`: full-text search with facets over the local catalog.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Search the catalog.",
        discussion: """
            Words match path, file name, camera, lens, keywords, title and caption (as prefixes); "quoted phrases" \
            match exactly; -word excludes. Facets: camera:fuji lens:35 taken:2019 taken:2019-07..2019-08 \
            type:raw has:gps folder:2019/rome library:NAME dup:exact dup:near rating:4 is:damaged tag:family \
            (tags and ratings are set in the web gallery; a facet value with spaces is quoted: camera:"EOS R5"). \
            Results come best match first, except when the words match more than 20,000 files and more than 5% \
            of the catalog (a common word in a large library): then newest taken first, as the gallery shows the \
            library, since ranking that many matches costs more than a person scrolling them gains from it.
            """)

    @OptionGroup var data: DataOptions

    @Option(help: "Most results to show.")
    var limit = 100

    @Option(help: "Bits of perceptual hash that may differ for dup:near.")
    var distance = 10

    @Flag(help: "Print results as JSON.")
    var json = false

    @Argument(parsing: .remaining, help: "The query (words and facets); empty lists the newest photos.")
    var query: [String] = []

    func run() throws {
        let parsed: SearchQuery
        do {
            parsed = try SearchQuery(query.joined(separator: " "))
        } catch {
            throw ValidationError("\(error)")
        }
        let hits = try data.openCatalog(readOnly: true).search(parsed, limit: limit, nearDistance: distance)
        if json {
            try JSONOutput.print(hits)
            return
        }
        for hit in hits {
            var details: [String] = []
            if let takenAt = hit.takenAt { details.append(takenAt) }
            if let camera = hit.camera { details.append(camera) }
            if let width = hit.width, let height = hit.height { details.append("\(width)x\(height)") }
            if let kind = hit.kind { details.append(kind) }
            print("\(Printable.path(hit.absolutePath))\t\(details.joined(separator: "  "))")
        }
    }
}
