import Foundation
import RapportCore
import RapportStore
import Vapor

/// Writes customers as the API shows them: the server-kept members, the derived stats (aggregates and lifecycle
/// stage), then the stored document's members.
///
/// The stored document is already the fields' canonical JSON (`CustomerFields.encode(to:)`: sorted keys, every key
/// present), so a customer is written by splicing text, with no decoding or re-encoding: reading customers is the
/// API's hottest path.
enum CustomerJSON {
    /// One customer as a JSON object; `asOf` is added for views of the past.
    static func object(_ customer: StoredCustomer, asOf: Date? = nil) -> String {
        var text = "{\"id\":\"\(customer.id.lowercased)\",\"number\":\"\(customer.number)\","
        text += "\"created_at\":\"\(RFC3339.format(customer.createdAt))\","
        text += "\"updated_at\":\"\(RFC3339.format(customer.updatedAt))\","
        text += "\"archived_at\":" + (customer.archivedAt.map { "\"\(RFC3339.format($0))\"" } ?? "null")
        if let asOf { text += ",\"as_of\":\"\(RFC3339.format(asOf))\"" }
        text += "," + customer.stats.jsonMembersText
        let members = customer.document.utf8.dropFirst()
        // An empty document is "{}": only its closing brace remains.
        text += members.count > 1 ? "," + String(Substring(members)) : "}"
        return text
    }

    /// A single customer response with its `ETag` (none for views of the past, which cannot be updated).
    static func response(
        _ customer: StoredCustomer, status: HTTPResponseStatus = .ok, asOf: Date? = nil, headers: HTTPHeaders = [:]
    ) -> Response {
        var headers = headers
        headers.contentType = .json
        if asOf == nil { headers.replaceOrAdd(name: .eTag, value: ETag.make(customer.version)) }
        return Response(status: status, headers: headers, body: .init(string: object(customer, asOf: asOf)))
    }

    /// A page of customers, newest number first: `{"items": [...], "next_cursor": ...}`; a full page (`limit`
    /// customers) has a cursor, its last number.
    static func page(_ customers: [StoredCustomer], limit: Int) -> Response {
        let nextCursor = customers.count == limit ? customers.last.map { PageCursor.encode([$0.number.value]) } : nil
        let items = customers.map { object($0) }.joined(separator: ",")
        let cursor = nextCursor.map { "\"\($0)\"" } ?? "null"
        return Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"],
                        body: .init(string: "{\"items\":[\(items)],\"next_cursor\":\(cursor)}"))
    }

    /// A rule's preview: how many customers it selects and the first of them, newest first.
    static func preview(count: Int, rule: CrowdRule, members: [StoredCustomer]) -> Response {
        let items = members.map { object($0) }.joined(separator: ",")
        return Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"],
                        body: .init(string: "{\"count\":\(count),\"rule\":\(JSONValue.string(rule.text).encodedText()),"
                            + "\"members\":[\(items)]}"))
    }
}
