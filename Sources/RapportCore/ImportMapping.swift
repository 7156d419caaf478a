import Foundation

/// What a column of an imported file can feed: a customer field (`CustomerColumn`), a part of a transaction
/// (`TransactionColumn`) or of an interaction (`InteractionColumn`).
public protocol ImportColumn: Hashable, Sendable, CustomStringConvertible {
    /// The target a `--map` entry spells (`phone`, `amount`, `attribute.会员等级`); nil for an unknown one.
    init?(spelled text: String)

    /// The column a header names when `--map` does not say: the usual English and Chinese titles, else the
    /// fallback of the kind (an attribute for customers, ignored for transactions and interactions).
    static func guess(_ header: String) -> Self

    /// Whether several columns may feed it (contact points, tags, ignored columns).
    var takesSeveral: Bool { get }

    /// The targets `--map` accepts, for messages.
    static var targets: String { get }

    /// What a file whose columns are these lacks that every record needs (`no column holds the customer's name`).
    static func missing(in columns: [Self]) -> [FieldError]
}

extension ImportColumn {
    /// A header as the synonym tables spell it: half-width, lower-case, without spaces, `_`, `-`, `.` or colons.
    public static func key(_ header: String) -> String {
        TextNormalization.halfWidth(header).lowercased().filter { !" _-.:：".contains($0) }
    }
}

/// Which column of an imported file feeds what: found from common English and Chinese headers, overridden by the
/// user's `--map "手机号=phone,订单号=external_id"` or a mapping file.
public struct ImportMapping<Column: ImportColumn>: Equatable, Sendable {
    /// One entry per column of the file, in order.
    public let columns: [Column]

    /// The mapping of `header`: `overrides` (header → target) first, then the known names.
    /// - Throws: `ValidationError` when an override names no column of the file, when two columns feed one
    ///   single-valued target, or when the file lacks what every record needs (`ImportColumn.missing(in:)`).
    public init(header: [String], overrides: [String: Column] = [:]) throws(ValidationError) {
        var errors: [FieldError] = []
        for key in overrides.keys.sorted() where !header.contains(key) {
            errors.append(FieldError(field: "map", code: "unknown_column",
                                     message: "--map names '\(key)', which is not a column of the file; the columns "
                                         + "are " + header.joined(separator: ", ")))
        }
        let columns = header.map { overrides[$0] ?? Column.guess($0) }
        var seen: [Column: String] = [:]
        for (title, column) in zip(header, columns) where !column.takesSeveral {
            if let other = seen[column] {
                errors.append(FieldError(field: "map", code: "duplicate_target",
                                         message: "columns '\(other)' and '\(title)' both map to \(column); "
                                             + "map one of them elsewhere with --map"))
            }
            seen[column] = title
        }
        errors += Column.missing(in: columns)
        if !errors.isEmpty { throw ValidationError(errors) }
        self.columns = columns
    }

    /// Reads `--map` or a mapping file: `column=target` pairs separated by commas or line breaks (a full-width `，`
    /// or `＝` does too); blank lines and lines starting with `#` are skipped.
    public static func overrides(_ text: String) throws(ValidationError) -> [String: Column] {
        var overrides: [String: Column] = [:]
        var errors: [FieldError] = []
        let normalized = TextNormalization.halfWidth(text)
        let pairs = normalized.split(whereSeparator: \.isNewline)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
            .flatMap { $0.split(separator: ",") }
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let target = Column(spelled: parts[1]) else {
                errors.append(FieldError(field: "map", code: "invalid",
                                         message: "'\(pair)' is not COLUMN=TARGET; targets are \(Column.targets)"))
                continue
            }
            overrides[parts[0]] = target
        }
        if !errors.isEmpty { throw ValidationError(errors) }
        return overrides
    }

    /// The file's title of the first column feeding a target that `feeds` picks; nil when none does.
    public func title(in header: [String], where feeds: (Column) -> Bool) -> String? {
        columns.firstIndex(where: feeds).map { header[$0] }
    }
}
