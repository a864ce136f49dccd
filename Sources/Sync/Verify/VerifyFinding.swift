import Foundation

/// One thing a verify found wrong between the local catalog and the cloud.
package struct VerifyFinding: Sendable, Equatable, Codable {
    /// The named kinds of damage, in the order a summary lists them.
    package enum Kind: String, Sendable, Codable, CaseIterable {
        /// A present file's content has no master in `file-store`.
        case masterMissing
        /// The master's size or Content-MD5 differs from the catalog's.
        case masterDamaged
        /// (`--deep`) The master's downloaded bytes hash to another SHA-256.
        case masterCorrupt
        /// A rendition the catalog made is not in `pv-store`.
        case renditionMissing
        /// A present file has no `files` row.
        case rowMissing
        /// The `files` row's sha256, size or deleted flag differs from the catalog.
        case rowStale
        /// A master no catalog file, `files` row or `history` version references.
        case orphanMaster
        /// A rendition of content nothing references.
        case orphanRendition
        /// A `refs` row (of any device) names content whose master is missing.
        case referenceBroken
        /// (Immutability on) A referenced master has no immutability policy, or one that has ended.
        case protectionMissing
        /// (Immutability on) A referenced master's policy ends within half the renewal margin and no extension is
        /// queued (the daemon queues one at the margin; half of it means the daemon is not keeping up).
        case protectionLapsing
    }

    /// What is wrong.
    package var kind: Kind
    /// The blob name, or `library/path` for a row.
    package var subject: String
    /// What was expected and what was found.
    package var detail: String
    /// With `--repair`: what was done about it (nil when nothing could be).
    package var repair: String?

    /// Makes a finding.
    package init(_ kind: Kind, _ subject: String, detail: String) {
        self.kind = kind
        self.subject = subject
        self.detail = detail
    }
}

/// What a verify checked and found.
package struct VerifyReport: Sendable, Equatable, Codable {
    /// Masters, renditions and `files` rows the catalog expects, and blobs listed in the cloud.
    package var mastersChecked = 0
    package var mastersHashed = 0
    package var renditionsChecked = 0
    package var rowsChecked = 0
    /// `refs` rows (of every device) whose master was looked for.
    package var referencesChecked = 0
    package var blobsListed = 0
    /// What is wrong.
    package var findings: [VerifyFinding] = []
    /// What would be a finding but has outbox work still queued for it (not wrong, just not done yet).
    package var pending: [VerifyFinding] = []
    /// Each master's immutability policy as the cloud reports it, by content.
    package var protection: [MasterProtectionState] = []

    /// Makes an empty report.
    package init() {}

    /// True when nothing is wrong (pending work is not wrong).
    package var isClean: Bool { findings.isEmpty }

    /// Findings per kind, every kind listed.
    package var counts: [VerifyFinding.Kind: Int] {
        var counts = Dictionary(uniqueKeysWithValues: VerifyFinding.Kind.allCases.map { ($0, 0) })
        for finding in findings { counts[finding.kind, default: 0] += 1 }
        return counts
    }
}

/// One master's protection as verify saw it in the listing.
package struct MasterProtectionState: Sendable, Equatable, Codable {
    package var sha256: String
    /// The end of its immutability policy (ISO 8601), nil when it has none.
    package var until: String?
    /// `Unlocked` or `Locked`, nil when it has no policy.
    package var mode: String?
    /// Whether the policy is still in force at the time of the verify.
    package var active: Bool
    /// Whether a path or kept version here references it (so it should stay protected).
    package var referenced: Bool
}

/// What a verify does beyond looking.
package struct VerifyOptions: Sendable {
    /// Download every master and hash it (slow: reads the whole library back).
    package var deep = false
    /// Queue missing uploads and rows in the outbox, replace damaged masters, delete orphans.
    package var repair = false
    /// Masters downloaded at once with `deep`.
    package var concurrency = 4
    /// Where `deep` downloads go for hashing (removed after).
    package var scratch = NSTemporaryDirectory()
    /// The configured protection of masters: with it, referenced masters without it are findings.
    package var immutability: MasterImmutability?
    /// Now, for judging policies (tests move it).
    package var clock: @Sendable () -> Date = { Date() }

    /// The defaults: look only.
    package init() {}
}
