import FluentKit
import Foundation

/// A row of `users`.
final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date

    // data fields
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var role: String
    @OptionalField(key: "team") var team: String?
    @OptionalField(key: "disabled_at") var disabledAt: Date?
    /// The language the user chose for the web UI (`zh-CN`, `en`); nil: the browser's.
    @OptionalField(key: "locale") var locale: String?

    init() {}
}
