/// The Table service's part of the route table. Letters follow Azure's SAS permission tables as Azurite encodes
/// them (`OperationTableSASPermission`, `OperationAccountSASPermission`): a table SAS queries (`r`), adds (`a`),
/// updates (`u`) and deletes (`d`) entities; tables themselves and the service take an account SAS; a table's ACL
/// takes the account key.
extension TableOperation {
    var route: OperationRoute {
        func r(
            _ method: String, _ path: String, _ query: [(String, String)] = [], headers: [(String, String)] = [],
            body: String = "", _ access: OperationAccess
        ) -> OperationRoute {
            var all = [("Accept", "application/json;odata=nometadata")] + headers
            if !headers.contains(where: { $0.0 == "Content-Type" }) { all.append(("Content-Type", "application/json")) }
            return OperationRoute(
                service: .table, name: rawValue, method: method, path: path, query: query, headers: all, body: body,
                access: access)
        }
        func r(_ method: String, _ path: String, headers: [(String, String)] = [], body: String = "", _ access: OperationAccess)
            -> OperationRoute
        { r(method, path, [], headers: headers, body: body, access) }
        let entity = "/{table}(PartitionKey='p',RowKey='r')"
        let properties = #"{"PartitionKey":"p","RowKey":"r","Value":1}"#
        let ifMatch = [("If-Match", "*")]
        switch self {
        case .getServiceProperties:
            return r("GET", "/", [("restype", "service"), ("comp", "properties")], .accountOnly(.service, "r"))
        case .setServiceProperties:
            return r(
                "PUT", "/", [("restype", "service"), ("comp", "properties")], body: "<StorageServiceProperties/>",
                .accountOnly(.service, "w"))
        case .getServiceStats:
            return r("GET", "/", [("restype", "service"), ("comp", "stats")], .accountOnly(.service, "r"))
        case .createTable: return r("POST", "/Tables", body: #"{"TableName":"{table}"}"#, .accountOnly(.container, "cw"))
        case .queryTables: return r("GET", "/Tables", .accountOnly(.container, "l"))
        case .getTable: return r("GET", "/Tables('{table}')", .accountOnly(.container, "l"))
        case .deleteTable: return r("DELETE", "/Tables('{table}')", .accountOnly(.container, "d"))
        case .getTableACL: return r("GET", "/{table}", [("comp", "acl")], .accountKeyOnly(.container))
        case .setTableACL: return r("PUT", "/{table}", [("comp", "acl")], body: "<SignedIdentifiers/>", .accountKeyOnly(.container))
        case .queryEntities: return r("GET", "/{table}()", .both(.container, "r"))
        case .getEntity: return r("GET", entity, .both(.object, "r"))
        case .insertEntity: return r("POST", "/{table}", body: properties, .both(.object, "a"))
        case .updateEntity: return r("PUT", entity, headers: ifMatch, body: properties, .both(.object, "u"))
        case .mergeEntity:
            return r("POST", entity, headers: ifMatch + [("X-HTTP-Method", "MERGE")], body: properties, .both(.object, "u"))
        case .deleteEntity: return r("DELETE", entity, headers: ifMatch, .both(.object, "d"))
        // A batch is authorized operation by operation (Azure answers a refused one inside the 202); this one
        // inserts, so it needs `a`. Anonymous batches are refused whole, before the body is read.
        case .batch:
            let body = [
                "--batch_m", "Content-Type: multipart/mixed; boundary=changeset_m", "", "--changeset_m",
                "Content-Type: application/http", "Content-Transfer-Encoding: binary", "",
                "POST http://127.0.0.1/devstoreaccount1/{table} HTTP/1.1", "Content-Type: application/json",
                "Accept: application/json;odata=nometadata", "", #"{"PartitionKey":"p","RowKey":"b"}"#,
                "--changeset_m--", "--batch_m--", "",
            ].joined(separator: "\r\n")
            return r(
                "POST", "/$batch", headers: [("Content-Type", "multipart/mixed; boundary=batch_m")], body: body,
                .both(.object, "a"))
        }
    }
}
