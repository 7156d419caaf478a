@testable import RapportCore

/// The sorted `field`s of the validation errors `parse` throws; empty when it succeeds.
func invalidFields<T>(_ parse: () throws(ValidationError) -> T) -> [String] {
    do {
        _ = try parse()
        return []
    } catch {
        return error.errors.map(\.field).sorted()
    }
}
