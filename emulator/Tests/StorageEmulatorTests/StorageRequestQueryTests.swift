import HTTPTypes
import Testing

@testable import StorageEmulator

@Suite struct StorageRequestQueryTests {
    /// rclone lists a folder `sub dir` with `prefix=sub+dir%2F`: in a query Azure reads `+` as a space, in a
    /// path as itself.
    @Test func plusIsASpaceInTheQueryOnly() throws {
        let request = try StorageRequest(
            service: .blob, method: .get, target: "/devstoreaccount1/c+d?restype=container&comp=list&prefix=sub+dir%2F",
            headers: [:])
        #expect(request.segments == ["c+d"])
        #expect(request.query("prefix") == "sub dir/")
        #expect(request.query("comp") == "list")
    }

    /// A signature a client left unencoded arrives with its `+` read as a space; base64 has no spaces, so
    /// the token reads it back.
    @Test func unencodedSignaturePlusSurvives() throws {
        let request = try StorageRequest(
            service: .blob, method: .get, target: "/devstoreaccount1/c/b?sv=2025-11-05&sig=ab+c/d=", headers: [:])
        #expect(SASToken(query: request.query).signature == "ab+c/d=")
    }
}
