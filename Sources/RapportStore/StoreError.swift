import RapportCore

/// Why a store operation did not happen. Each case maps to one HTTP status at the API edge.
public enum StoreError: Error, Equatable, Sendable {
    /// No such row, or the caller may not see it.
    case notFound
    /// The caller's `If-Match` version is not the stored one.
    case versionMismatch(current: Int)
    /// The write breaks a rule that depends on stored data (a taken external ID, an unknown owner).
    case invalid(ValidationError)
    /// The change is not allowed for this caller.
    case forbidden(String)
    /// A unique value that is already used (a user's e-mail, a token's name).
    case conflict(String)
    /// Stored data does not have the shape Rapport expects.
    case corrupt(String)
}
