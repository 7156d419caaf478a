import Leaf
import LeafKit
import Vapor

/// `#t("key", arguments…)`: the text of a catalogue key in the language of the page's request. An unknown key is an
/// error rather than a silent fallback, so that a test rendering the pages finds it.
struct TranslateTag: LeafTag {
    let catalogue: WebCatalogue

    func render(_ context: LeafContext) throws -> LeafData {
        guard let key = context.parameters.first?.string else {
            throw LeafError(.unknownError("#t(): the first parameter must be a catalogue key"))
        }
        let language = context.request?.webLanguage ?? .chinese
        let arguments = context.parameters.dropFirst().map { $0.string ?? "" }
        guard let text = catalogue.text(key, in: language, Array(arguments)) else {
            throw LeafError(.unknownError("#t(): no text for '\(key)' in \(language.rawValue)"))
        }
        return .string(text)
    }
}
