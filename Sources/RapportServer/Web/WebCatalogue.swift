import Foundation
import RapportCore

/// The languages the web UI speaks.
enum WebLanguage: String, CaseIterable, Sendable {
    case chinese = "zh-CN"
    case english = "en"

    /// The language a browser prefers among ours, from its `Accept-Language` header (highest weight first, the
    /// header's order among equals); Chinese when it names neither.
    static func preferred(by acceptLanguage: String?) -> WebLanguage {
        guard let acceptLanguage else { return .chinese }
        let ranked = acceptLanguage.split(separator: ",").enumerated().compactMap { index, item
            -> (weight: Double, index: Int, language: WebLanguage)? in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let tag = parts.first, !tag.isEmpty else { return nil }
            let weight = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            guard weight > 0 else { return nil }
            if tag == "zh" || tag.hasPrefix("zh-") { return (weight, index, .chinese) }
            if tag == "en" || tag.hasPrefix("en-") { return (weight, index, .english) }
            return nil
        }
        return ranked.min { ($0.weight, -$0.index) > ($1.weight, -$1.index) }?.language ?? .chinese
    }
}

/// The UI's words in each language, read from `Resources/Locales/<language>.json` (flat objects of key to text;
/// `{0}`, `{1}` … stand for arguments). A test checks both catalogues have the same keys and every key the
/// templates use.
struct WebCatalogue: Sendable {
    let texts: [WebLanguage: [String: String]]

    /// Reads every language's catalogue from `directory`.
    static func load(from directory: URL) throws -> WebCatalogue {
        var texts: [WebLanguage: [String: String]] = [:]
        for language in WebLanguage.allCases {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(language.rawValue).json"))
            texts[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return WebCatalogue(texts: texts)
    }

    /// The text of `key` in `language` with its arguments put in; nil for a key the catalogue lacks.
    func text(_ key: String, in language: WebLanguage, _ arguments: [String] = []) -> String? {
        texts[language]?[key].map { NumberedTemplate.fill($0, with: arguments) }
    }
}
