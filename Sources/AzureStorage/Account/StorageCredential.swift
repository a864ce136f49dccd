/// How requests prove who sends them.
package enum StorageCredential: Sendable, CustomStringConvertible {
    /// SharedKey signing with the account's key: full access, and the only way to generate SAS links.
    case sharedKey(accountName: String, key: AccountKey)
    /// A SAS token (without the leading `?`) appended to every request: access limited to what it grants.
    case sharedAccessSignature(String)
    /// No credentials: only public containers can be read.
    case anonymous

    package var description: String {
        switch self {
        case .sharedKey(let account, _): "SharedKey(\(account))"
        // The token is a bearer secret too: show only which fields it carries.
        case .sharedAccessSignature(let token):
            "SAS(" + token.split(separator: "&").map { $0.split(separator: "=").first ?? "" }.joined(separator: ",")
                + ")"
        case .anonymous: "anonymous"
        }
    }
}
