import Foundation
import Leaf
import RapportCore
import Vapor

/// A change event as a line of the customer's timeline: what happened, in the page's language, and the values it
/// carried as short text (`+8613800138000 → +8613900139000`). Values are shown as they were stored; customers'
/// words are not translated.
struct TimelineText {
    let request: Request
    let currency: String
    /// The crowds there are, by ID, so a built-in crowd's entries are named in the page's language.
    var crowds: [UUID: Crowd] = [:]

    func row(_ stored: ChangeEvent) -> LeafData {
        let event = stored.event
        let kind = event.kind.rawValue
        var title = request.said("event.\(kind)", otherwise: kind)
        var detail = ""
        var note = ""
        switch event.kind {
        case .created:
            detail = event.newValue?.objectValue?["name"]?.stringValue ?? ""
        case .fieldChanged:
            let field = event.field ?? ""
            title = request.text("event.field_changed.named", [request.said("field.\(field)", otherwise: field)])
            detail = "\(summary(event.oldValue)) → \(summary(event.newValue))"
        case .stageChanged:
            let new = event.newValue?.objectValue
            detail = "\(stage(event.oldValue?.stringValue)) → \(stage(new?["stage"]?.stringValue))"
            note = request.explanation(new?["reason"]?.stringValue ?? "")
        case .purchase, .refund:
            let value = event.newValue?.objectValue
            let amount = MoneyText.exact(minor: Int64(value?["amount_minor"]?.numberValue ?? 0), currency: currency)
            let items = value?["lines"]?.arrayValue?.compactMap { $0.objectValue?["name"]?.stringValue } ?? []
            detail = ([amount] + [items.joined(separator: separator)].filter { !$0.isEmpty }).joined(separator: " · ")
        case .interaction:
            let value = event.newValue?.objectValue
            let channel = value?["channel"]?.stringValue ?? ""
            detail = [request.text("channel.\(channel)"), value?["subject"]?.stringValue ?? ""]
                .filter { !$0.isEmpty }.joined(separator: " · ")
        case .crowdEntered:
            detail = crowdName(event.newValue)
        case .crowdLeft:
            detail = crowdName(event.oldValue)
        default:
            detail = event.oldValue == nil ? summary(event.newValue)
                : "\(summary(event.oldValue)) → \(summary(event.newValue))"
        }
        return .dictionary([
            "family": .string(event.family.rawValue),
            "familyKey": .string("family.\(event.family.rawValue)"),
            "title": .string(title), "detail": .string(detail), "note": .string(note),
            "when": .string(WebFormat.time(event.occurredAt, in: request.webLanguage)),
            "source": .string(request.text("source.\(event.source.rawValue)")),
        ])
    }

    /// The name an entry or exit recorded; in the page's language while it is still a built-in crowd's own name.
    private func crowdName(_ value: JSONValue?) -> String {
        let recorded = value?.objectValue
        let name = recorded?["name"]?.stringValue ?? ""
        guard let id = recorded?["id"]?.stringValue.flatMap({ UUID(uuidString: $0) }), let crowd = crowds[id],
              crowd.name == name else { return name }
        return request.crowdName(crowd)
    }

    private var separator: String { request.webLanguage == .chinese ? "、" : ", " }

    private func stage(_ name: String?) -> String {
        guard let name else { return "–" }
        return request.text("stage.\(name)")
    }

    /// A stored value in a few words: a contact point by its number or address, an address by its parts, a list by
    /// its items, other objects by their scalar members.
    func summary(_ value: JSONValue?) -> String {
        guard let value else { return "–" }
        switch value {
        case .null: return "–"
        case .bool(let flag): return request.text(flag ? "value.yes" : "value.no")
        case .number(let number):
            return number == number.rounded() ? String(Int64(number)) : String(number)
        case .string(let text): return text.isEmpty ? "–" : text
        case .array(let items): return items.isEmpty ? "–" : items.map { summary($0) }.joined(separator: separator)
        case .object(let members):
            for key in ["number", "address", "name", "stage"] {
                if let text = members[key]?.stringValue { return text }
            }
            if let handle = members["handle"]?.stringValue {
                return [members["network"]?.stringValue, handle].compactMap { $0 }.joined(separator: ": ")
            }
            let place = ["country", "province", "city", "district", "street"].compactMap { members[$0]?.stringValue }
            if !place.isEmpty { return place.joined(separator: " ") }
            let scalars = members.keys.sorted().compactMap { key -> String? in
                guard let member = members[key], member.isScalar, member != .null else { return nil }
                return "\(key)=\(summary(member))"
            }
            return scalars.isEmpty ? "–" : scalars.joined(separator: ", ")
        }
    }
}
