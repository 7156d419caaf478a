import Vapor

extension Request {
    /// A free-text value that customers' data often holds — a contact point's label (`mobile`), a source or sales
    /// channel (`wechat`, `store`) — in the page's language when the catalogue knows it (`value.<text>`); any other
    /// value as it was typed.
    func commonValue(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return "" }
        return said("value.\(value.lowercased())", otherwise: value)
    }
}
