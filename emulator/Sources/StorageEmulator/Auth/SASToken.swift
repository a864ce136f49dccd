/// The SAS fields of a request's query, read in one pass and kept exactly as the client sent them
/// (after percent-decoding): the signature covers these raw strings, not their parsed meaning.
struct SASToken {
    var signature = ""
    /// `sv`
    var version: String?
    /// `sp`, `st`, `se`
    var permissions: String?
    var start: String?
    var expiry: String?
    /// `ss`, `srt`: present only in an account SAS.
    var services: String?
    var resourceTypes: String?
    /// `sr` (Blob: `b`, `bs`, `bv`, `c`, `d`), `si`, `sip`, `spr`, `ses`
    var signedResource: String?
    var identifier: String?
    var ipRange: String?
    var protocols: String?
    var encryptionScope: String?
    /// `rscc`, `rscd`, `rsce`, `rscl`, `rsct`
    var cacheControl: String?
    var contentDisposition: String?
    var contentEncoding: String?
    var contentLanguage: String?
    var contentType: String?
    /// `tn`, `spk`, `srk`, `epk`, `erk`
    var tableName: String?
    var startPartitionKey: String?
    var startRowKey: String?
    var endPartitionKey: String?
    var endRowKey: String?
    /// `snapshot` / `versionid`: not part of the token, but signed by `sr=bs` / `sr=bv` tokens.
    var snapshot: String?
    var versionID: String?
    /// `skoid` etc.: a user delegation SAS, signed with a key only Microsoft Entra ID hands out.
    var isUserDelegation = false

    init(query: [QueryItem]) {
        for item in query {
            let value = item.value
            switch item.name.lowercased() {
            // Base64 has no spaces: one here is a `+` a client left unencoded, which the query decoder read as a space.
            case "sig": signature = value.replacingOccurrences(of: " ", with: "+")
            case "sv": version = value
            case "sp": permissions = value
            case "st": start = value
            case "se": expiry = value
            case "ss": services = value
            case "srt": resourceTypes = value
            case "sr": signedResource = value
            case "si": identifier = value
            case "sip": ipRange = value
            case "spr": protocols = value
            case "ses": encryptionScope = value
            case "rscc": cacheControl = value
            case "rscd": contentDisposition = value
            case "rsce": contentEncoding = value
            case "rscl": contentLanguage = value
            case "rsct": contentType = value
            case "tn": tableName = value
            case "spk": startPartitionKey = value
            case "srk": startRowKey = value
            case "epk": endPartitionKey = value
            case "erk": endRowKey = value
            case "snapshot": snapshot = value
            case "versionid": versionID = value
            case "skoid", "sktid", "skt", "ske", "sks", "skv": isUserDelegation = true
            default: continue
            }
        }
    }

    var isAccountSAS: Bool { services != nil || resourceTypes != nil }

    /// Response header overrides, keyed by their query parameter (`rscc`…).
    var responseHeaderOverrides: [String: String] {
        var overrides: [String: String] = [:]
        if let cacheControl { overrides["rscc"] = cacheControl }
        if let contentDisposition { overrides["rscd"] = contentDisposition }
        if let contentEncoding { overrides["rsce"] = contentEncoding }
        if let contentLanguage { overrides["rscl"] = contentLanguage }
        if let contentType { overrides["rsct"] = contentType }
        return overrides
    }

    var keyRange: TableKeyRange? {
        if startPartitionKey == nil && startRowKey == nil && endPartitionKey == nil && endRowKey == nil { return nil }
        return TableKeyRange(
            startPartitionKey: startPartitionKey, startRowKey: startRowKey, endPartitionKey: endPartitionKey,
            endRowKey: endRowKey)
    }
}
