import Foundation
import Testing

@testable import AzureStorage

/// The immutability policy's wire form: an RFC 1123 date (so whole seconds) and a mode spelt `Unlocked`/`Locked` in
/// headers and `unlocked`/`locked` in listings; setting or removing one is a billed write.
@Suite struct ImmutabilityPolicyTests {
    @Test func headersCarryAnRFC1123DateAndTheModeAndReadBack() {
        let policy = ImmutabilityPolicy(until: Date(timeIntervalSince1970: 1_796_400_000.75), mode: .locked)
        #expect(policy.until == Date(timeIntervalSince1970: 1_796_400_000))
        var headers = HTTPHeaders()
        policy.apply(to: &headers)
        #expect(headers["x-ms-immutability-policy-until-date"] == "Fri, 04 Dec 2026 16:00:00 GMT")
        #expect(headers["x-ms-immutability-policy-mode"] == "Locked")
        let read = BlobProperties(headers: headers)
        #expect(read.immutabilityPolicy == policy)
        #expect(
            ImmutabilityPolicy.parse(until: "Fri, 04 Dec 2026 16:00:00 GMT", mode: "unlocked")
                == ImmutabilityPolicy(until: policy.until, mode: .unlocked))
        #expect(ImmutabilityPolicy.parse(until: nil, mode: "Locked") == nil)
        #expect(ImmutabilityPolicy.parse(until: "not a date", mode: "Locked") == nil)
    }

    @Test func settingOrRemovingAPolicyIsAWrite() {
        #expect(BillingClass(operation: "SetBlobImmutabilityPolicy", service: .blob) == .write)
        #expect(BillingClass(operation: "DeleteBlobImmutabilityPolicy", service: .blob) == .write)
    }
}
