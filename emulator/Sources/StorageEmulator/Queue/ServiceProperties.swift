import AzureWire
import Foundation

/// The `<StorageServiceProperties>` document of the Queue and Table services (logging, metrics,
/// CORS). The emulator stores what a client sets and returns it; it has no effect here.
enum ServiceProperties {
    /// What a new account reports, as Azurite does.
    static let defaultXML: String = {
        var xml = XMLWriter()
        xml.open("StorageServiceProperties")
        xml.element("Logging") { xml in
            xml.element("Version", "1.0")
            xml.element("Read", "false")
            xml.element("Write", "false")
            xml.element("Delete", "false")
            xml.element("RetentionPolicy") { $0.element("Enabled", "false") }
        }
        for metrics in ["HourMetrics", "MinuteMetrics"] {
            xml.element(metrics) { xml in
                xml.element("Version", "1.0")
                xml.element("Enabled", "false")
                xml.element("RetentionPolicy") { $0.element("Enabled", "false") }
            }
        }
        xml.element("Cors", nil)
        xml.close("StorageServiceProperties")
        return xml.text
    }()

    /// Geo-replication statistics: the emulator has no secondary, so it is always live and in sync.
    static var statsXML: String {
        var xml = XMLWriter()
        xml.open("StorageServiceStats")
        xml.element("GeoReplication") { xml in
            xml.element("Status", "live")
            xml.element("LastSyncTime", HTTPDate.rfc1123(Date()))
        }
        xml.close("StorageServiceStats")
        return xml.text
    }

    /// Checks a Set Service Properties body and returns it re-serialized: unknown elements and
    /// elements left out keep Azure's semantics only loosely (the document replaces the stored one,
    /// with absent sections taken from the defaults).
    static func normalize(_ body: [UInt8], current: String? = nil) throws(StorageError) -> String {
        let root = try XMLTree.parseBody(Data(body))
        guard root.name == "StorageServiceProperties" else {
            throw StorageError(.badRequest, "InvalidXmlDocument", "The root element must be StorageServiceProperties, not \(root.name).")
        }
        let base = (try? XMLTree.parseBody(Data((current ?? defaultXML).utf8))) ?? root
        return ServicePropertiesMerge.merge(root, into: base)
    }
}
