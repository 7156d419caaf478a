import Foundation

/// The channel an interaction 互动 happened on.
public enum InteractionChannel: String, Codable, CaseIterable, Sendable {
    case phone, email, wechat, social, chat
    case inPerson = "in_person"
    case web, sms, other
}

/// Who started an interaction.
public enum InteractionDirection: String, Codable, CaseIterable, Sendable {
    case inbound, outbound
}

/// A validated interaction as a client sent it; the store checks that the customer and the user exist.
public struct InteractionInput: Equatable, Sendable {
    public var customerID: UUID
    public var channel: InteractionChannel
    public var direction: InteractionDirection
    public var occurredAt: Date
    public var subject: String
    public var notes: String?
    public var outcome: String?
    public var durationSeconds: Int64?
    /// 1 (poor) to 5 (excellent).
    public var quality: Int64?
    /// Who handled it.
    public var userID: UUID?

    /// Creates an input.
    public init(
        customerID: UUID, channel: InteractionChannel, direction: InteractionDirection, occurredAt: Date,
        subject: String, notes: String? = nil, outcome: String? = nil, durationSeconds: Int64? = nil,
        quality: Int64? = nil, userID: UUID? = nil
    ) {
        self.customerID = customerID
        self.channel = channel
        self.direction = direction
        self.occurredAt = occurredAt
        self.subject = subject
        self.notes = notes
        self.outcome = outcome
        self.durationSeconds = durationSeconds
        self.quality = quality
        self.userID = userID
    }
}

/// Validates interaction documents, reporting every problem with its field.
public struct InteractionParser: Sendable {
    static let keys = ["customer_id", "channel", "direction", "occurred_at", "subject", "notes", "outcome",
                       "duration_seconds", "quality", "user_id"]

    /// Creates a parser.
    public init() {}

    /// Validates an interaction document.
    /// - Throws: `ValidationError` listing every problem.
    public func parse(_ document: JSONValue) throws(ValidationError) -> InteractionInput {
        var reader = DocumentReader()
        let members = try reader.topLevel(document, allowed: Self.keys)
        let customerID = reader.requiredUUID(members["customer_id"], at: "customer_id")
        let channel = required(members["channel"], at: "channel", as: InteractionChannel.self, reader: &reader)
        let direction = required(members["direction"], at: "direction", as: InteractionDirection.self, reader: &reader)
        let occurredAt = reader.time(members["occurred_at"], at: "occurred_at")
        let subject = reader.requiredText(members["subject"], at: "subject", max: 200, prose: true)
        let notes = reader.text(members["notes"], at: "notes", max: 10_000, prose: true)
        let outcome = reader.text(members["outcome"], at: "outcome", max: 200, prose: true)
        let duration = reader.integer(members["duration_seconds"], at: "duration_seconds", minimum: 0, required: false)
        let quality = reader.integer(members["quality"], at: "quality", minimum: 1, required: false)
        if let quality, quality > 5 { reader.fail("quality", "out_of_range", "quality is rated from 1 to 5") }
        let userID = reader.uuid(members["user_id"], at: "user_id")
        guard reader.errors.isEmpty, let customerID, let channel, let direction, let occurredAt, let subject else {
            throw ValidationError(reader.errors)
        }
        return InteractionInput(
            customerID: customerID, channel: channel, direction: direction, occurredAt: occurredAt, subject: subject,
            notes: notes, outcome: outcome, durationSeconds: duration, quality: quality, userID: userID)
    }

    private func required<E: RawRepresentable & CaseIterable>(
        _ value: JSONValue?, at path: String, as type: E.Type, reader: inout DocumentReader
    ) -> E? where E.RawValue == String {
        let errorsBefore = reader.errors.count
        let result = reader.enumeration(value, at: path, as: type)
        if result == nil, reader.errors.count == errorsBefore { reader.fail(path, "required", "\(path) is required") }
        return result
    }
}

/// An interaction as stored.
public struct Interaction: Equatable, Sendable {
    public let id: UUID
    public let input: InteractionInput
    /// When Rapport recorded it.
    public let recordedAt: Date

    /// Creates a stored interaction.
    public init(id: UUID, input: InteractionInput, recordedAt: Date) {
        self.id = id
        self.input = input
        self.recordedAt = recordedAt
    }

    /// The interaction as the API shows it and as its `relationship` event records it, every key present.
    public var json: JSONValue {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func optional(_ value: Int64?) -> JSONValue { value.map { .number(Double($0)) } ?? .null }
        return .object([
            "id": .string(UUIDText.format(id)),
            "customer_id": .string(UUIDText.format(input.customerID)),
            "channel": .string(input.channel.rawValue),
            "direction": .string(input.direction.rawValue),
            "occurred_at": .string(RFC3339.format(input.occurredAt)),
            "recorded_at": .string(RFC3339.format(recordedAt)),
            "subject": .string(input.subject),
            "notes": optional(input.notes),
            "outcome": optional(input.outcome),
            "duration_seconds": optional(input.durationSeconds),
            "quality": optional(input.quality),
            "user_id": optional(input.userID.map { UUIDText.format($0) }),
        ])
    }
}
