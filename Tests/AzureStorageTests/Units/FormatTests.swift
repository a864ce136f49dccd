import AzureWire
import Foundation
import Testing

@testable import AzureStorage

/// The small formats the client reads and writes: dates, JSON entities, XML, batch answers.
@Suite struct FormatTests {
    /// Response header lines as curl hands them over, parsed on their bytes.
    @Test func headerLines() {
        func field(_ line: String) -> (String, String)? {
            Array(line.utf8).withUnsafeBytes { CurlTransfer.field(of: $0) }.map { ($0.name, $0.value) }
        }
        #expect(field("X-MS-Request-ID:  abc-1 \r\n")! == ("x-ms-request-id", "abc-1"))
        #expect(field("Content-MD5: q83vEjRWeJA=\r\n")! == ("content-md5", "q83vEjRWeJA="))
        #expect(field("x-ms-meta-Caf\u{E9}: cr\u{E8}me \t\r\n")! == ("x-ms-meta-caf\u{E9}", "cr\u{E8}me"))
        #expect(field("Empty:\r\n")! == ("empty", ""))
        #expect(field("Location: http://host:1/a?b=c:d\r\n")! == ("location", "http://host:1/a?b=c:d"))
        #expect(field("\r\n") == nil)
    }

    /// Header names match ignoring ASCII case only: `[` is not `{`, `é` is not `É`, and length counts.
    @Test func headerNamesMatchIgnoringASCIICase() {
        #expect(HTTPHeaders.sameName("x-ms-Request-ID", "X-MS-request-id"))
        #expect(HTTPHeaders.sameName("etag", "ETag"))
        #expect(!HTTPHeaders.sameName("a[", "A{"))
        #expect(!HTTPHeaders.sameName("caf\u{E9}", "CAF\u{C9}"))
        #expect(!HTTPHeaders.sameName("etag", "etags"))
        var headers: HTTPHeaders = ["Content-Type": "image/jpeg", "x-ms-meta-a": "1", "X-MS-META-A": "2"]
        #expect(headers["content-type"] == "image/jpeg" && headers["X-MS-meta-a"] == "1")
        headers.remove("x-ms-meta-A")
        #expect(headers.fields.map(\.name) == ["Content-Type"])
    }

    @Test func tableDatesKeepTicks() {
        let date = Date(timeIntervalSince1970: 1_720_000_000.25)
        #expect(TableDate.format(date) == "2024-07-03T09:46:40.2500000Z")
        #expect(TableDate.parse("2024-07-03T09:46:40.2500000Z") == date)
    }

    @Test func entityJSONCarriesTypesJSONCannotSay() throws {
        var entity = TableEntity(partitionKey: "p", rowKey: "r")
        entity["big"] = .int64(5_000_000_000)
        entity["whole"] = .double(2)
        entity["n"] = .int32(7)
        entity["s"] = .string("a \"quoted\"\nline")
        let json = entity.json().serialized()
        #expect(json.contains("\"big@odata.type\":\"Edm.Int64\",\"big\":\"5000000000\""))
        #expect(json.contains("\"whole@odata.type\":\"Edm.Double\",\"whole\":2.0"))
        #expect(json.contains("\"n\":7"))
        #expect(json.contains("\"s\":\"a \\\"quoted\\\"\\nline\""))
        let parsed = try JSONValue.parse(Array(json.utf8))
        let back = try TableEntity(json: parsed)
        #expect(back.properties == entity.properties)
    }

    @Test func entityFromServiceJSON() throws {
        let body = """
            {"odata.metadata":"x","odata.etag":"W/\\"datetime'2024'\\"","PartitionKey":"p","RowKey":"r",\
            "Timestamp":"2024-07-03T09:46:40.1234567Z","n":5,"d":1.25,"flag":true,"when@odata.type":"Edm.DateTime",\
            "when":"2024-07-03T09:46:40Z","u":"\\u00e9t\\u00e9 \\ud83d\\udcf7"}
            """
        let parsed = try JSONValue.parse(Array(body.utf8))
        let entity = try TableEntity(json: parsed)
        #expect(entity.etag == "W/\"datetime'2024'\"")
        #expect(entity["n"] == .int32(5))
        #expect(entity["d"] == .double(1.25))
        #expect(entity["flag"] == .bool(true))
        #expect(entity["when"] == .date(Date(timeIntervalSince1970: 1_719_999_999 + 1)))
        #expect(entity["u"] == .string("été 📷"))
        #expect(entity.timestamp != nil)
        #expect(entity.properties.count == 5)
    }

    @Test func entitiesThatCannotBeReadAreErrorsNotGaps() throws {
        let cases = [
            ("{\"RowKey\":\"r\",\"n\":1}", "no PartitionKey"),
            ("[1]", "not a JSON object"),
            ("{\"PartitionKey\":\"p\",\"RowKey\":\"r\",\"big@odata.type\":\"Edm.Int64\",\"big\":\"twelve\"}", "property big"),
            ("{\"PartitionKey\":\"p\",\"RowKey\":\"r\",\"b@odata.type\":\"Edm.Binary\",\"b\":\"%%%\"}", "Edm.Binary"),
        ]
        for (body, expected) in cases {
            let parsed = try JSONValue.parse(Array(body.utf8))
            #expect {
                try TableEntity(json: parsed)
            } throws: { error in
                String(describing: error).contains(expected)
            }
        }
    }

    @Test func entityPathsDoubleQuotesAndEncode() {
        #expect(
            TableClient.entityPath(table: "files", partitionKey: "lib", rowKey: "2024%2FO'Neil é.jpg")
                == "/files(PartitionKey='lib',RowKey='2024%252FO%27%27Neil%20%C3%A9.jpg')")
        #expect(TableClient.quotesDoubled("'a''b'") == "''a''''b''")
        #expect(TableClient.quotesDoubled("") == "" && TableClient.quotesDoubled("plain") == "plain")
    }

    @Test func batchAnswersYieldStatusesOrTheFailure() throws {
        let ok = """
            --batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n\r\n\
            --changesetresponse_2\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n\r\n\
            --changesetresponse_2\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 201 Created\r\n\r\n{}\r\n\
            --changesetresponse_2--\r\n--batchresponse_1--\r\n
            """
        let response = TransportResponse(
            status: 202, headers: HTTPHeaders(), body: Array(ok.utf8), bytesWritten: 0, digest: nil)
        #expect(try TableClient.statuses(response, operation: "batch") == [204, 201])
        // Lines ended by a bare LF read the same.
        let bare = TransportResponse(
            status: 202, headers: HTTPHeaders(), body: Array(ok.replacingOccurrences(of: "\r\n", with: "\n").utf8),
            bytesWritten: 0, digest: nil)
        #expect(try TableClient.statuses(bare, operation: "batch") == [204, 201])

        let failed = """
            --batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n\r\n\
            --changesetresponse_2\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 409 Conflict\r\n\
            Content-Type: application/json\r\n\r\n{"odata.error":{"code":"EntityAlreadyExists","message":{"lang":"en-US",\
            "value":"1:The specified entity already exists."}}}\r\n--changesetresponse_2--\r\n--batchresponse_1--\r\n
            """
        let failure = TransportResponse(
            status: 202, headers: HTTPHeaders(), body: Array(failed.utf8), bytesWritten: 0, digest: nil)
        do {
            _ = try TableClient.statuses(failure, operation: "batch")
            Issue.record("a failed changeset was read as success")
        } catch {
            #expect(error.status == 409)
            #expect(error.errorCode == "EntityAlreadyExists")
            #expect(error.detail?.contains("1:The specified entity already exists.") == true)
        }
    }

    @Test func serviceErrorBodies() {
        let xml = ServiceErrorBody(
            Array(
                "<?xml version=\"1.0\"?><Error><Code>ContainerNotFound</Code><Message>The specified container does not exist.\nRequestId:1</Message></Error>"
                    .utf8))
        #expect(xml.code == "ContainerNotFound")
        #expect(xml.message == "The specified container does not exist.")
        let json = ServiceErrorBody(
            Array(
                "{\"odata.error\":{\"code\":\"TableNotFound\",\"message\":{\"value\":\"The table specified does not exist.\\nRequestId:2\"}}}"
                    .utf8))
        #expect(json.code == "TableNotFound")
        #expect(json.message == "The table specified does not exist.")
    }

    @Test func blockIDsHaveOneLengthAndNameTheirContent() {
        let a = BlockID.make(index: 0, md5: [UInt8](repeating: 0xAB, count: 16))
        let b = BlockID.make(index: 49_999, md5: [UInt8](repeating: 0x01, count: 16))
        #expect(a.count == b.count)
        #expect(
            Base64.decode(a).map { String(decoding: $0, as: UTF8.self) } == "ivb-000000-"
                + String(repeating: "ab", count: 16))
        #expect(a != BlockID.make(index: 0, md5: [UInt8](repeating: 0xAC, count: 16)))
    }

    @Test func metadataIsValidated() throws {
        #expect(throws: AzureStorageError.self) { try Metadata.validated(["bad-name": "x"], operation: "t") }
        #expect(throws: AzureStorageError.self) { try Metadata.validated(["1st": "x"], operation: "t") }
        #expect(throws: AzureStorageError.self) { try Metadata.validated(["path": "Été"], operation: "t") }
        #expect(try Metadata.validated(["Path": "  a b  "], operation: "t").map { "\($0.0)=\($0.1)" } == ["path=a b"])
    }
}
