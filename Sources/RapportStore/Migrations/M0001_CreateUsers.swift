import FluentKit

/// Users who sign in, with their role and team.
struct M0001_CreateUsers: AsyncMigration {
    var name: String { "M0001_CreateUsers" }

    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("team", .string)
            .field("created_at", .datetime, .required)
            .field("disabled_at", .datetime)
            .unique(on: "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").delete()
    }
}
