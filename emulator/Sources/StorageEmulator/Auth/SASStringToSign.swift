/// The strings a SAS token's signature covers, by kind and by signed version (`sv`), as Azure documents
/// them and the current SDKs build them (azure-storage-blob 12.31, azure-storage-queue 12.18,
/// azure-data-tables 12.7). Fields the token leaves out are signed as empty lines.
enum SASStringToSign {
    /// Account SAS: account, sp, ss, srt, st, se, sip, spr, sv, then ses from 2020-12-06, each followed by `\n`.
    static func account(_ token: SASToken, account: String) -> [UInt8] {
        var fields = [
            account, token.permissions, token.services, token.resourceTypes, token.start, token.expiry,
            token.ipRange, token.protocols, token.version,
        ]
        if (token.version ?? "") >= "2020-12-06" { fields.append(token.encryptionScope) }
        return joined(fields, trailingNewline: true)
    }

    /// Blob service SAS (container or blob, account key). Fields by version:
    /// 2015-04-05: sp, st, se, resource, si, sip, spr, sv, rscc, rscd, rsce, rscl, rsct;
    /// 2018-11-09 adds sr and the snapshot/version time after sv; 2020-12-06 adds ses after them.
    static func blob(_ token: SASToken, canonicalResource: String, timestamp: String?) -> [UInt8] {
        let version = token.version ?? ""
        var fields = [
            token.permissions, token.start, token.expiry, canonicalResource, token.identifier, token.ipRange,
            token.protocols, token.version,
        ]
        if version >= "2018-11-09" { fields += [token.signedResource, timestamp] }
        if version >= "2020-12-06" { fields.append(token.encryptionScope) }
        fields += [
            token.cacheControl, token.contentDisposition, token.contentEncoding, token.contentLanguage,
            token.contentType,
        ]
        return joined(fields, trailingNewline: false)
    }

    /// Queue service SAS: sp, st, se, `/queue/account/queue`, si, sip, spr, sv.
    static func queue(_ token: SASToken, canonicalResource: String) -> [UInt8] {
        joined(
            [
                token.permissions, token.start, token.expiry, canonicalResource, token.identifier, token.ipRange,
                token.protocols, token.version,
            ], trailingNewline: false)
    }

    /// Table service SAS: sp, st, se, `/table/account/tablename` (lowercase), si, sip, spr, sv, spk, srk, epk, erk.
    static func table(_ token: SASToken, canonicalResource: String) -> [UInt8] {
        joined(
            [
                token.permissions, token.start, token.expiry, canonicalResource, token.identifier, token.ipRange,
                token.protocols, token.version, token.startPartitionKey, token.startRowKey, token.endPartitionKey,
                token.endRowKey,
            ], trailingNewline: false)
    }

    private static func joined(_ fields: [String?], trailingNewline: Bool) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256)
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "\n")) }
            if let field { out.append(contentsOf: field.utf8) }
        }
        if trailingNewline { out.append(UInt8(ascii: "\n")) }
        return out
    }
}
