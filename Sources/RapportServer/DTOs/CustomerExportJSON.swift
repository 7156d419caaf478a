import Foundation
import RapportCore
import RapportStore

/// The document of `GET /api/v1/customers/{id}/export`: every part as the API shows it elsewhere (the customer as
/// `GET /customers/{id}`, events as `GET /customers/{id}/events`, transactions, interactions and the value as their
/// own endpoints do), gathered in one object, lists oldest first and unpaginated.
enum CustomerExportJSON {
    static func document(_ export: DataSubjectRepository.CustomerExport, currency: String) throws -> JSONValue {
        .object([
            "exported_at": .string(RFC3339.format(export.exportedAt)),
            "customer": try JSONValue.parse(Data(CustomerJSON.object(export.customer).utf8)),
            "events": try JSONValue.parse(APIJSON.encoder.encode(export.events.map(EventDTO.init))),
            "transactions": .array(export.transactions.map { $0.json() }),
            "interactions": .array(export.interactions.map(\.json)),
            "crowd_memberships": .array(export.crowdMemberships.map(membership)),
            "crowd_exits": .array(export.crowdExits.map(membership)),
            "value": export.value.map { AnalyticsController.json($0.row, model: $0.model, currency: currency) }
                ?? .null,
            "external_ids": .array(export.externalIDs.map {
                .object(["source": .string($0.source), "id": .string($0.id)])
            }),
        ])
    }

    /// A crowd membership: `{id, key, name, since}`, and `until` for one that ended.
    private static func membership(_ record: DataSubjectRepository.CrowdMembershipRecord) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(UUIDText.format(record.crowdID)), "key": record.key.map(JSONValue.string) ?? .null,
            "name": .string(record.name), "since": .string(RFC3339.format(record.since)),
        ]
        if let until = record.until { members["until"] = .string(RFC3339.format(until)) }
        return .object(members)
    }
}
