/// How much OData metadata a JSON response carries, chosen by the client's `Accept` header
/// (`application/json;odata=nometadata|minimalmetadata|fullmetadata`) or `$format`.
enum ODataMetadata: String, Sendable, CaseIterable {
    case none = "nometadata"
    case minimal = "minimalmetadata"
    case full = "fullmetadata"

    /// The level a request asks for; minimal when it names none, as Azure's JSON default.
    static func requested(accept: String?, format: String?) -> ODataMetadata {
        for source in [format, accept] {
            guard let source = source?.lowercased() else { continue }
            for level in allCases where source.contains("odata=\(level.rawValue)") { return level }
            if source == "json" || source.contains("application/json") { return .minimal }
        }
        return .minimal
    }

    /// The `Content-Type` of a response at this level.
    var contentType: String { "application/json;odata=\(rawValue);streaming=true;charset=utf-8" }
}

/// Where the entities and tables of a response live, for `odata.metadata`, `odata.id` and `odata.editLink`.
struct ODataContext: Sendable {
    /// `http://HOST:PORT/ACCOUNT`, from the request's `Host` header.
    var baseURL: String
    var account: String
    var level: ODataMetadata

    init(request: StorageRequest) {
        baseURL = request.accountURL
        account = request.account
        level = ODataMetadata.requested(accept: request.header("accept"), format: request.query("$format"))
    }

    init(baseURL: String, account: String, level: ODataMetadata) {
        self.baseURL = baseURL
        self.account = account
        self.level = level
    }
}
