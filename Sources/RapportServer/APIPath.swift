import Foundation
import RapportCore
import Vapor

/// The API's paths, in one place: routes are registered from these and links (`Location`) are built from them.
enum APIPath {
    static let version: [PathComponent] = ["api", "v1"]
    static let customers: PathComponent = "customers"
    static let events: PathComponent = "events"
    static let restore: PathComponent = "restore"
    static let export: PathComponent = "export"
    static let erase: PathComponent = "erase"
    static let tokens: PathComponent = "tokens"
    static let users: PathComponent = "users"
    static let me: PathComponent = "me"
    static let id: PathComponent = ":id"
    static let transactions: PathComponent = "transactions"
    static let interactions: PathComponent = "interactions"
    static let products: PathComponent = "products"
    static let stage: PathComponent = "stage"
    static let lifecycle: PathComponent = "lifecycle"
    static let analytics: PathComponent = "analytics"
    static let crowds: PathComponent = "crowds"
    static let duplicates: PathComponent = "duplicates"
    static let merges: PathComponent = "merges"

    /// `/api/v1/crowds/{id}`.
    static func crowd(_ id: UUID) -> String {
        "/api/v1/crowds/\(UUIDText.format(id))"
    }

    /// `/api/v1/customers/{id}`.
    static func customer(_ id: UUID) -> String {
        "/api/v1/customers/\(UUIDText.format(id))"
    }

    /// `/api/v1/transactions/{id}`.
    static func transaction(_ id: UUID) -> String {
        "/api/v1/transactions/\(UUIDText.format(id))"
    }

    /// `/api/v1/users/{id}`.
    static func user(_ id: UUID) -> String {
        "/api/v1/users/\(UUIDText.format(id))"
    }

    /// `/api/v1/tokens/{id}`.
    static func token(_ id: UUID) -> String {
        "/api/v1/tokens/\(UUIDText.format(id))"
    }
}
