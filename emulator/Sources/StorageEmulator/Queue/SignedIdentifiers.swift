import AzureWire
import Foundation

/// The `<SignedIdentifiers>` document of Get/Set Queue ACL and Get/Set Table ACL: up to five
/// stored access policies that a service SAS can name with `si=`.
enum SignedIdentifiers {
    static let maximumCount = 5

    static func parse(_ body: [UInt8]) throws(StorageError) -> [StoredAccessPolicy] {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [] }
        let root = try XMLTree.parseBody(Data(body))
        guard root.name == "SignedIdentifiers" else {
            throw StorageError(.badRequest, "InvalidXmlDocument", "The root element must be SignedIdentifiers, not \(root.name).")
        }
        let identifiers = root.children("SignedIdentifier")
        guard identifiers.count <= maximumCount else {
            throw StorageError(
                .badRequest, "InvalidXmlDocument",
                "XML specified is not syntactically valid. At most \(maximumCount) signed identifiers are allowed; found \(identifiers.count).")
        }
        var policies: [StoredAccessPolicy] = []
        for identifier in identifiers {
            guard let id = identifier.value("Id"), !id.isEmpty, id.count <= 64 else {
                throw StorageError(.badRequest, "InvalidXmlDocument", "Each SignedIdentifier needs an Id of 1 to 64 characters.")
            }
            let policy = identifier.child("AccessPolicy")
            func date(_ name: String) throws(StorageError) -> Date? {
                guard let text = policy?.value(name)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
                guard let date = HTTPDate.parseISO8601(text) else {
                    throw StorageError(.badRequest, "InvalidXmlNodeValue", "The value for \(name) ('\(text)') is not an ISO 8601 date.")
                }
                return date
            }
            policies.append(
                StoredAccessPolicy(
                    id: id, start: try date("Start"), expiry: try date("Expiry"),
                    permissions: policy?.value("Permission").flatMap { $0.isEmpty ? nil : $0 }))
        }
        return policies
    }

    static func write(_ policies: [StoredAccessPolicy]) -> String {
        var xml = XMLWriter()
        xml.open("SignedIdentifiers")
        for policy in policies {
            xml.open("SignedIdentifier")
            xml.element("Id", policy.id)
            xml.open("AccessPolicy")
            if let start = policy.start { xml.element("Start", HTTPDate.iso8601(start)) }
            if let expiry = policy.expiry { xml.element("Expiry", HTTPDate.iso8601(expiry)) }
            if let permissions = policy.permissions { xml.element("Permission", permissions) }
            xml.close("AccessPolicy")
            xml.close("SignedIdentifier")
        }
        xml.close("SignedIdentifiers")
        return xml.text
    }
}
