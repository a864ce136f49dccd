import Foundation
import HTTPTypes

/// The lease state machine shared by Lease Blob and Lease Container
/// (acquire, renew, change, release, break), with Azure's status codes and errors.
struct LeaseAction: Sendable {
    enum Kind: String, Sendable { case acquire, renew, change, release, `break` }
    var kind: Kind
    var leaseID: String?
    var proposedID: String?
    var duration: Int?
    var breakPeriod: Int?

    init(_ request: StorageRequest) throws {
        let action = request.header("x-ms-lease-action") ?? ""
        guard let kind = Kind(rawValue: action.lowercased()) else {
            throw StorageError.invalidHeader("x-ms-lease-action", action, "Expected acquire, renew, change, release or break.")
        }
        self.kind = kind
        leaseID = request.header("x-ms-lease-id")
        proposedID = request.header("x-ms-proposed-lease-id")
        if let text = request.header("x-ms-lease-duration") {
            guard let value = Int(text), value == -1 || (15...60).contains(value) else {
                throw StorageError.invalidHeader("x-ms-lease-duration", text, "Must be -1 or between 15 and 60.")
            }
            duration = value
        }
        if let text = request.header("x-ms-lease-break-period") {
            guard let value = Int(text), (0...60).contains(value) else {
                throw StorageError.invalidHeader("x-ms-lease-break-period", text, "Must be between 0 and 60.")
            }
            breakPeriod = value
        }
        switch kind {
        case .acquire:
            guard duration != nil else { throw StorageError.missingHeader("x-ms-lease-duration") }
            if let proposed = proposedID { try Self.validateID(proposed, header: "x-ms-proposed-lease-id") }
        case .renew, .release:
            guard leaseID != nil else { throw StorageError.missingHeader("x-ms-lease-id") }
        case .change:
            guard leaseID != nil else { throw StorageError.missingHeader("x-ms-lease-id") }
            guard let proposed = proposedID else { throw StorageError.missingHeader("x-ms-proposed-lease-id") }
            try Self.validateID(proposed, header: "x-ms-proposed-lease-id")
        case .break:
            break
        }
    }

    /// The outcome: the new lease fields, the status to answer with, and the headers to add.
    struct Result: Sendable {
        var lease: LeaseFields
        var status: HTTPResponse.Status
        var headers: HTTPFields
    }

    func apply(to lease: LeaseFields, now: Date) throws -> Result {
        let state = lease.state(at: now)
        let t = now.timeIntervalSince1970
        var next = lease
        var headers = HTTPFields()
        switch kind {
        case .acquire:
            let duration = self.duration ?? -1
            switch state {
            case "leased" where lease.leaseId != (proposedID ?? leaseID):
                throw StorageError(.conflict, "LeaseAlreadyPresent", "There is already a lease present.")
            case "breaking":
                throw StorageError(.conflict, "LeaseIsBreakingAndCannotBeAcquired", "There is already a breaking lease present.")
            default:
                next.leaseId = proposedID ?? (state == "leased" ? lease.leaseId : nil) ?? UUIDString.make()
            }
            next.leaseState = "leased"
            next.leaseDuration = duration
            next.leaseExpires = duration == -1 ? nil : t + Double(duration)
            next.leaseBreakAt = nil
            headers[.xMsLeaseID] = next.leaseId
            return Result(lease: next, status: .created, headers: headers)
        case .renew:
            guard lease.leaseId == leaseID, state == "leased" || state == "expired" else {
                if state == "breaking" || state == "broken", lease.leaseId == leaseID {
                    throw StorageError(.conflict, "LeaseIsBrokenAndCannotBeRenewed", "The lease ID matched, but the lease has been broken explicitly and cannot be renewed.")
                }
                throw StorageError(.conflict, "LeaseIdMismatchWithLeaseOperation", "The lease ID specified did not match the lease ID for the resource.")
            }
            next.leaseState = "leased"
            next.leaseExpires = lease.leaseDuration == -1 ? nil : t + Double(lease.leaseDuration ?? 60)
            headers[.xMsLeaseID] = lease.leaseId
            return Result(lease: next, status: .ok, headers: headers)
        case .change:
            guard state == "leased" || state == "breaking" else {
                throw StorageError(.conflict, "LeaseNotPresentWithLeaseOperation", "There is currently no lease on the resource.")
            }
            guard lease.leaseId == leaseID || lease.leaseId == proposedID else {
                throw StorageError(.conflict, "LeaseIdMismatchWithLeaseOperation", "The lease ID specified did not match the lease ID for the resource.")
            }
            guard state == "leased" else {
                throw StorageError(.conflict, "LeaseIsBreakingAndCannotBeChanged", "The lease ID matched, but the lease is currently in breaking state and cannot be changed.")
            }
            next.leaseId = proposedID
            headers[.xMsLeaseID] = proposedID
            return Result(lease: next, status: .ok, headers: headers)
        case .release:
            guard state != "available" else {
                throw StorageError(.conflict, "LeaseNotPresentWithLeaseOperation", "There is currently no lease on the resource.")
            }
            guard lease.leaseId == leaseID else {
                throw StorageError(.conflict, "LeaseIdMismatchWithLeaseOperation", "The lease ID specified did not match the lease ID for the resource.")
            }
            next = LeaseFields()
            return Result(lease: next, status: .ok, headers: headers)
        case .break:
            switch state {
            case "available":
                throw StorageError(.conflict, "LeaseNotPresentWithLeaseOperation", "There is currently no lease on the resource.")
            case "leased":
                let remaining = lease.leaseDuration == -1 ? 0 : max(0, Int(((lease.leaseExpires ?? t) - t).rounded(.up)))
                let period = lease.leaseDuration == -1 ? (breakPeriod ?? 0) : min(breakPeriod ?? remaining, remaining)
                next.leaseState = period == 0 ? "broken" : "breaking"
                next.leaseBreakAt = t + Double(period)
                headers[HTTPField.Name("x-ms-lease-time")!] = String(period)
            case "breaking":
                let remaining = max(0, Int(((lease.leaseBreakAt ?? t) - t).rounded(.up)))
                let period = min(breakPeriod ?? remaining, remaining)
                next.leaseState = period == 0 ? "broken" : "breaking"
                next.leaseBreakAt = t + Double(period)
                headers[HTTPField.Name("x-ms-lease-time")!] = String(period)
            default:
                next.leaseState = "broken"
                headers[HTTPField.Name("x-ms-lease-time")!] = "0"
            }
            return Result(lease: next, status: .accepted, headers: headers)
        }
    }

    /// Lease IDs are GUIDs.
    static func validateID(_ id: String, header: String) throws {
        guard UUID(uuidString: id) != nil else { throw StorageError.invalidHeader(header, id, "A lease ID must be a GUID.") }
    }

    /// Checks the `x-ms-lease-id` of a write against the resource's lease (Azure's rules for writes and deletes).
    static func checkWrite(_ lease: LeaseFields, request: StorageRequest, now: Date, isContainer: Bool = false) throws {
        let given = request.header("x-ms-lease-id")
        if let active = lease.activeLeaseID(at: now) {
            guard let given else {
                throw StorageError(
                    .preconditionFailed, "LeaseIdMissing",
                    "There is currently a lease on the \(isContainer ? "container" : "blob") and no lease ID was specified in the request.")
            }
            guard given.lowercased() == active.lowercased() else {
                throw StorageError(
                    .preconditionFailed, isContainer ? "LeaseIdMismatchWithContainerOperation" : "LeaseIdMismatchWithBlobOperation",
                    "The lease ID specified did not match the lease ID for the \(isContainer ? "container" : "blob").")
            }
        } else if given != nil {
            throw StorageError(
                .preconditionFailed, isContainer ? "LeaseNotPresentWithContainerOperation" : "LeaseNotPresentWithBlobOperation",
                "There is currently no lease on the \(isContainer ? "container" : "blob").")
        }
    }

    /// A read may name a lease; if it does, it must be the active one.
    static func checkRead(_ lease: LeaseFields, request: StorageRequest, now: Date) throws {
        guard let given = request.header("x-ms-lease-id") else { return }
        guard lease.activeLeaseID(at: now)?.lowercased() == given.lowercased() else {
            throw StorageError(.preconditionFailed, "LeaseIdMismatchWithBlobOperation", "The lease ID specified did not match the lease ID for the blob.")
        }
    }
}
