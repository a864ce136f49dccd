import ArgumentParser
import AzureStorage
import BackupDaemon
import Catalog
import Foundation
import Sync

/// `ironviper cost [--json] [--prices FILE] [--cloud]`: what this library costs in Azure, from the requests the
/// client counted into the catalog and what the catalog says is stored, next to a plain rclone mirror in Hot.
struct CostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cost",
        abstract: "What the cloud copy costs: requests so far and this month, storage, the monthly bill.",
        discussion: """
            Requests are those the client counted by Azure's billing classes (every attempt Azure answered, \
            retries included), per day, in the catalog. Storage comes from the catalog: masters and renditions \
            uploaded, table rows at about 1 KiB each. --cloud lists the account's containers to show what they \
            really hold (List Blobs requests, counted like any other). Prices: a TOML table (--print-prices shows \
            the built-in one, Azure's list prices for one region, with the date they were taken).
            """)

    @OptionGroup var cloud: CloudOptions

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "A price table (TOML, the shape --print-prices shows).")
    var prices: String?

    @Flag(name: .customLong("cloud"), help: "Also list the account's containers and sum what they hold per tier.")
    var listCloud = false

    @Flag(help: "Print the built-in price table and exit.")
    var printPrices = false

    func run() async throws {
        if printPrices {
            print(PriceTable.defaultText)
            return
        }
        let configuration = try cloud.configuration()
        let catalogPath = DataLocation(directory: cloud.daemon.stateDirectory(configuration)).catalogPath
        guard FileManager.default.fileExists(atPath: catalogPath) else {
            throw ValidationError("no catalog at \(catalogPath): cost prices what a catalog recorded")
        }
        let catalog = try Catalog(path: catalogPath)
        let table = try prices.map(PriceTable.load(file:)) ?? PriceTable.defaults
        var listed: [CloudHoldings.Entry]?
        if listCloud {
            let ledger = RequestLedger(catalog: catalog, logger: CloudOptions.logger)
            listed = try await cloud.start(requireExplicit: false, observer: ledger).use { storage in
                try await CloudHoldings.list(storage.client)
            }
            ledger.flush()
        }
        let report = CostReport(
            counts: try catalog.requestCounts(), facts: try catalog.costFacts(), prices: table,
            masterTier: configuration.storage.accessTier, previewTier: configuration.previews.tier ?? .hot)
        if json {
            try JSONOutput.print(CostJSON(report: report, cloud: listed))
        } else {
            print(CostText.render(report, cloud: listed))
        }
    }
}

/// `cost --json`: the report, plus the listing when `--cloud` was given.
struct CostJSON: Encodable {
    var report: CostReport
    var cloud: [CloudHoldings.Entry]?
}
