import Testing

@testable import AzureStorage

@Suite struct ConnectionStringTests {
    static let key = "aXJvbnZpcGVyLXNpZ25pbmctdmVjdG9ycy1hcmUtbm90LWEtcmVhbC1rZXktMDEyMzQ1Njc4OQ=="

    @Test func developmentStorage() throws {
        let connection = try StorageConnection(connectionString: "UseDevelopmentStorage=true")
        #expect(connection.blobEndpoint == "http://127.0.0.1:10000/devstoreaccount1")
        #expect(connection.queueEndpoint == "http://127.0.0.1:10001/devstoreaccount1")
        #expect(connection.tableEndpoint == "http://127.0.0.1:10002/devstoreaccount1")
        guard case .sharedKey(let account, _) = connection.credential else {
            Issue.record("expected SharedKey, got \(connection.credential)")
            return
        }
        #expect(account == "devstoreaccount1")
    }

    @Test func accountWithSuffixBuildsHostStyleEndpoints() throws {
        let connection = try StorageConnection(
            connectionString:
                "DefaultEndpointsProtocol=https;AccountName=photos1;AccountKey=\(Self.key);EndpointSuffix=core.chinacloudapi.cn"
        )
        #expect(connection.blobEndpoint == "https://photos1.blob.core.chinacloudapi.cn")
        #expect(connection.queueEndpoint == "https://photos1.queue.core.chinacloudapi.cn")
        #expect(connection.tableEndpoint == "https://photos1.table.core.chinacloudapi.cn")
        #expect(connection.accountName == "photos1")
    }

    @Test func defaultsToHTTPSAndPublicCloud() throws {
        let connection = try StorageConnection(connectionString: " AccountName = photos1 ; AccountKey=\(Self.key) ; ")
        #expect(connection.blobEndpoint == "https://photos1.blob.core.windows.net")
    }

    @Test func explicitEndpointsWinAndLoseTheirSlash() throws {
        let connection = try StorageConnection(
            connectionString:
                "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=\(Self.key);"
                + "BlobEndpoint=http://127.0.0.1:41000/devstoreaccount1/;TableEndpoint=http://127.0.0.1:41002/devstoreaccount1;"
        )
        #expect(connection.blobEndpoint == "http://127.0.0.1:41000/devstoreaccount1")
        #expect(connection.tableEndpoint == "http://127.0.0.1:41002/devstoreaccount1")
        #expect(connection.queueEndpoint == "http://devstoreaccount1.queue.core.windows.net")
    }

    @Test func sasOnlyConnection() throws {
        let connection = try StorageConnection(
            connectionString:
                "BlobEndpoint=https://photos1.blob.core.windows.net/;SharedAccessSignature=?sv=2024-11-04&ss=b&sig=abc%3D"
        )
        guard case .sharedAccessSignature(let token) = connection.credential else {
            Issue.record("expected a SAS credential, got \(connection.credential)")
            return
        }
        #expect(token == "sv=2024-11-04&ss=b&sig=abc%3D")
        #expect(connection.accountName == "photos1")
        #expect(throws: AzureStorageError.self) { try connection.endpoint(.queue) }
        #expect(try connection.endpoint(.blob) == "https://photos1.blob.core.windows.net")
    }

    @Test func pathStyleSASAccountComesFromThePath() throws {
        let connection = try StorageConnection(
            connectionString: "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;SharedAccessSignature=sv=1&sig=x")
        #expect(connection.accountName == "devstoreaccount1")
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        var text: String
        var mentions: String
        var testDescription: String { mentions }
    }

    static let malformed: [Malformed] = [
        .init(text: "", mentions: "empty"),
        .init(text: "AccountName=a;AccountKey", mentions: "part 2"),
        .init(text: "AccountName=a;AccountKey=not base64!!", mentions: "AccountKey is not valid base64"),
        .init(text: "AccountName=a;AcountKey=\(key)", mentions: "unknown setting 'AcountKey'"),
        .init(text: "AccountKey=\(key)", mentions: "without AccountName"),
        .init(text: "UseDevelopmentStorage=false", mentions: "UseDevelopmentStorage"),
        .init(text: "UseDevelopmentStorage=true;AccountName=x", mentions: "AccountName cannot be combined"),
        .init(text: "DefaultEndpointsProtocol=ftp;AccountName=a", mentions: "ftp"),
        .init(
            text: "BlobEndpoint=127.0.0.1:10000;SharedAccessSignature=sig=x", mentions: "BlobEndpoint '127.0.0.1:10000'"
        ),
        .init(text: "BlobEndpoint=http://h/a;SharedAccessSignature=sv=1", mentions: "no sig="),
        .init(text: "AccountName=a;AccountName=b", mentions: "given twice"),
        .init(text: "AccountName=a;AccountKey=\(key);SharedAccessSignature=sig=x", mentions: "both"),
    ]

    @Test(arguments: malformed)
    func malformedStringsNameTheBadPart(_ example: Malformed) {
        do {
            _ = try StorageConnection(connectionString: example.text)
            Issue.record("accepted '\(example.text)'")
        } catch {
            #expect(error.code == .invalidConnectionString)
            #expect(error.description.contains(example.mentions), "\(error)")
        }
    }

    @Test func theKeyNeverAppearsInDescriptions() throws {
        let connection = try StorageConnection(connectionString: "AccountName=photos1;AccountKey=\(Self.key)")
        let texts = [connection.description, "\(connection.credential)", String(reflecting: connection)]
        for text in texts {
            #expect(!text.contains(Self.key))
            #expect(!text.contains("aXJvbnZp"))
        }
        do {
            _ = try StorageConnection(connectionString: "AccountName=a;AccountKey=\(Self.key)x!")
        } catch {
            #expect(!error.description.contains(Self.key))
        }
    }
}
