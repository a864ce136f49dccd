import AzureStorage
import Catalog

/// What this library would cost under each documented way of storing it, from the same catalog: one-time
/// writes and monthly storage, with per-10,000-photo figures to compare libraries of any size. The lean
/// profile's bytes are estimated from the library's own renditions (their bytes per pixel, at the lean sizes).
package struct CostProfile: Codable, Sendable, Equatable {
    package var name: String
    package var summary: String
    /// Billed writes per photo (a master and its renditions; rows are table transactions, priced apart).
    package var writesPerPhoto: Double
    package var oneTime: Double
    package var monthly: Double
    package var oneTimePer10k: Double
    package var monthlyPer10k: Double

    /// The default (the ten JPEG renditions, identical ones stored once, in `previewTier`; masters in
    /// `masterTier`), the lean one (`[previews] profile = "lean"`: a 250-px thumbnail and a 1440-px
    /// preview), masters in the other of Cold and Cool, and the rclone mirror in Hot. Table transactions are the same for all
    /// but the mirror and left out.
    package static func all(
        facts: CostFacts, prices: PriceTable, masterTier: AccessTier, previewTier: AccessTier = .hot
    ) -> [CostProfile] {
        let photos = Double(max(facts.masters, 1))
        let gigabyte = Double(1 << 30)
        let renditionsPerPhoto =
            facts.contentsWithRenditions > 0 ? Double(facts.renditions) / Double(facts.contentsWithRenditions) : 0
        let withRenditions = Double(facts.contentsWithRenditions)
        let leanBytes = (facts.leanThumbnailPixels + facts.leanPreviewPixels) * facts.renditionBytesPerPixel
        func profile(
            _ name: String, _ summary: String, masters: AccessTier, previews: AccessTier, renditions: Double,
            renditionBytes: Double
        ) -> CostProfile {
            let writes =
                photos / 10_000 * prices.perTenThousand(.write, tier: masters)
                + renditions / 10_000 * prices.perTenThousand(.write, tier: previews)
            let monthly =
                Double(facts.masterBytes) / gigabyte * (prices.storage[masters] ?? 0)
                + renditionBytes / gigabyte * (prices.storage[previews] ?? 0)
            return CostProfile(
                name: name, summary: summary, writesPerPhoto: (photos + renditions) / photos, oneTime: writes,
                monthly: monthly, oneTimePer10k: writes / photos * 10_000, monthlyPer10k: monthly / photos * 10_000)
        }
        let mirrorWrites = Double(facts.versionsRecorded) / 10_000 * prices.perTenThousand(.write, tier: .hot)
        let mirrorMonthly = Double(facts.presentBytes) / gigabyte * (prices.storage[.hot] ?? 0)
        return [
            profile(
                "default", "ten JPEG renditions in \(previewTier.rawValue), masters in \(masterTier.rawValue)",
                masters: masterTier, previews: previewTier, renditions: withRenditions * renditionsPerPhoto,
                renditionBytes: Double(facts.renditionBytes)),
            profile(
                "lean", "a 250-px thumbnail and a 1440-px preview (JPEG) in \(previewTier.rawValue), masters in \(masterTier.rawValue)",
                masters: masterTier, previews: previewTier, renditions: withRenditions * 2, renditionBytes: leanBytes),
            // The other of Cold and Cool for masters: the choice `access_tier` makes, priced both ways.
            masterTier == .cold
                ? profile(
                    "cool-masters", "the default renditions in \(previewTier.rawValue), masters in Cool", masters: .cool,
                    previews: previewTier, renditions: withRenditions * renditionsPerPhoto,
                    renditionBytes: Double(facts.renditionBytes))
                : profile(
                    "cold-masters", "the default renditions in \(previewTier.rawValue), masters in Cold", masters: .cold,
                    previews: previewTier, renditions: withRenditions * renditionsPerPhoto,
                    renditionBytes: Double(facts.renditionBytes)),
            CostProfile(
                name: "rclone-hot", summary: "every path uploaded to Hot, duplicates and renames again, no previews",
                writesPerPhoto: Double(facts.versionsRecorded) / photos, oneTime: mirrorWrites, monthly: mirrorMonthly,
                oneTimePer10k: mirrorWrites / photos * 10_000, monthlyPer10k: mirrorMonthly / photos * 10_000),
        ]
    }
}
