import ArgumentParser
import RapportCore
import RapportStore

/// Turns domain errors into one-line messages for the terminal.
enum CommandErrors {
    /// Runs `body`; `notFound` is the message for `StoreError.notFound`.
    static func explain<T>(notFound: String = "no such user or live token", _ body: () async throws -> T) async throws
        -> T
    {
        do {
            return try await body()
        } catch let error as RapportCore.ValidationError {
            throw ArgumentParser.ValidationError(
                error.errors.map { "\($0.field): \($0.message)" }.joined(separator: "\n"))
        } catch let error as StoreError {
            switch error {
            case .notFound: throw ArgumentParser.ValidationError(notFound)
            case .conflict(let message), .forbidden(let message), .corrupt(let message):
                throw ArgumentParser.ValidationError(message)
            case .invalid(let validation):
                throw ArgumentParser.ValidationError(validation.errors.map(\.message).joined(separator: "\n"))
            case .versionMismatch:
                throw ArgumentParser.ValidationError("the record changed meanwhile; run the command again")
            }
        }
    }
}
