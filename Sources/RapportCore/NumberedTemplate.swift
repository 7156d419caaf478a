import Foundation

/// Text with numbered places for values — `"{0} takes a number, found {1}"` — as rule errors and the web UI's
/// catalogues write their messages.
public enum NumberedTemplate {
    /// `template` with each `{i}` replaced by `arguments[i]`.
    public static func fill(_ template: String, with arguments: [String]) -> String {
        var text = template
        for (index, argument) in arguments.enumerated() {
            text = text.replacingOccurrences(of: "{\(index)}", with: argument)
        }
        return text
    }
}
