import FluentKit
import Foundation
import RapportCore

/// A response kept for replay under an `Idempotency-Key`.
public struct StoredResponse: Equatable, Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: Data

    /// Creates a stored response.
    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Claims `Idempotency-Key`s and keeps the responses sent under them, for 24 hours.
public struct IdempotencyRepository: Sendable {
    let store: RapportDatabase

    /// How long a key and its response are kept.
    public static let retention: TimeInterval = 24 * 3600
    /// After this long, a claim whose request never finished (the process died) may be taken over.
    public static let abandonedAfter: TimeInterval = 60

    /// What to do with a request that carries a key.
    public enum Claim: Equatable, Sendable {
        /// First time: run the request, then `complete` or `release` this claim.
        case proceed(UUID)
        /// Seen before with the same request: send this response again.
        case replay(StoredResponse)
        /// The key was used for a different request.
        case mismatch
        /// The first request with this key is still running.
        case inProgress
    }

    /// Wraps the database.
    public init(_ store: RapportDatabase) {
        self.store = store
    }

    /// Claims `key` for `userID`'s request, whose method, path and body hash to `requestHash`.
    public func claim(key: String, userID: UUID, requestHash: String) async throws -> Claim {
        let now = store.clock.now()
        return try await store.write { database in
            if let existing = try await IdempotencyRecordModel.query(on: database)
                .filter(\.$userID == userID).filter(\.$key == key).first()
            {
                let age = now.timeIntervalSince(existing.createdAt)
                let expired = age > Self.retention || (existing.status == 0 && age > Self.abandonedAfter)
                if !expired {
                    if existing.requestHash != requestHash { return .mismatch }
                    if existing.status == 0 { return .inProgress }
                    return .replay(StoredResponse(
                        status: existing.status,
                        headers: (try? JSONDecoder().decode([String: String].self,
                                                            from: Data(existing.responseHeaders.utf8))) ?? [:],
                        body: existing.responseBody ?? Data()))
                }
                try await existing.delete(on: database)
            }
            let record = IdempotencyRecordModel()
            record.id = UUID()
            record.userID = userID
            record.key = key
            record.requestHash = requestHash
            record.status = 0
            record.responseHeaders = "{}"
            record.createdAt = now
            try await record.create(on: database)
            return .proceed(record.id!)
        }
    }

    /// Stores the response of a claimed request for replay.
    public func complete(_ claim: UUID, with response: StoredResponse) async throws {
        try await store.write { database in
            try await IdempotencyRecordModel.query(on: database).filter(\.$id == claim)
                .set(\.$status, to: response.status)
                .set(\.$responseHeaders, to: String(decoding: try JSONEncoder().encode(response.headers), as: UTF8.self))
                .set(\.$responseBody, to: response.body)
                .update()
        }
    }

    /// Forgets a claim whose request failed on the server's side, so the client may retry with the same key.
    public func release(_ claim: UUID) async throws {
        try await store.write { database in
            try await IdempotencyRecordModel.query(on: database).filter(\.$id == claim).delete()
        }
    }
}
