import Foundation

extension BlobClient {
    /// Set Blob Immutability Policy (`PUT ?comp=immutabilityPolicies`) on the current version, or on `versionID`.
    /// Azure refuses to shorten or unlock a Locked policy (409); it does not change the blob's ETag. Returns the
    /// policy the service reports holding afterwards. `tier`, the blob's tier when known, is what the write is billed
    /// at (Azure prices it per tier; the request itself names none).
    @discardableResult
    package func setImmutabilityPolicy(
        container: String, name: String, versionID: String? = nil, policy: ImmutabilityPolicy, tier: AccessTier? = nil
    ) async throws -> ImmutabilityPolicy {
        var call = try call("SetBlobImmutabilityPolicy", "PUT", container: container, blob: name)
        call.billingTier = tier
        call.url = call.url.adding("comp", "immutabilityPolicies").adding("versionid", versionID)
        policy.apply(to: &call.headers)
        let response = try await pipeline.send(call)
        return ImmutabilityPolicy.parse(
            until: response.headers["x-ms-immutability-policy-until-date"],
            mode: response.headers["x-ms-immutability-policy-mode"]) ?? policy
    }
}
