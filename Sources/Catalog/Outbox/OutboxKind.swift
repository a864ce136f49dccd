/// The kinds of cloud work an outbox row asks for; the raw value is the `outbox.kind` column.
package enum OutboxKind: String, Sendable, Codable, CaseIterable {
    /// Upload a master to `file-store/<sha256>` (once per content).
    case master
    /// Upload one rendition to `pv-store/<sha256>/<name>.jpg`.
    case rendition
    /// Write the `files` entity of a path from the catalog's current state.
    case entity
    /// Write one `folders` row.
    case folder
    /// Write one `history` row (one per version of a path).
    case history
    /// Put an `extract-queue` message for a master without renditions.
    case event
    /// A path vanished: mark its `files` entity deleted (and, with `mirror`, schedule a purge).
    case delete
    /// `mirror` only: remove unreferenced content after its retention period.
    case purge
    /// Write the `refs` row of a path holding a content (before its master is checked or uploaded).
    case reference
    /// Write the `devices` row of a library (its device, name and folder).
    case library
    /// Extend a referenced master's immutability policy before it runs out (`Catalog.queueProtectionRenewals`).
    case protect
}

/// What a done row's `last_error` says when it finished without doing its work.
package enum OutboxNote {
    /// A master whose content no file held any more when its turn came (edited or deleted before its
    /// upload): nothing was uploaded, so the content seen again must be queued again.
    package static let superseded = "superseded: the content was replaced before its upload"
}
