import FluentKit
import Foundation

/// A row of `idempotency_keys`: the response to replay for a key.
final class IdempotencyRecordModel: Model, @unchecked Sendable {
    static let schema = "idempotency_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "key") var key: String
    @Field(key: "request_hash") var requestHash: String
    @Field(key: "status") var status: Int
    @Field(key: "response_headers") var responseHeaders: String
    @OptionalField(key: "response_body") var responseBody: Data?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
