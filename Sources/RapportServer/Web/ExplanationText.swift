import RapportCore
import Vapor

extension Request {
    /// An engine's explanation — a stage reason, a churn warning, a duplicate pair's evidence — in the page's
    /// language: each phrase from the catalogue's `phrase.<name>`, days with their unit. Text not made of the
    /// engines' phrases (a person's reason for a stage override) is their own words and stays as it is.
    func explanation(_ text: String) -> String {
        guard let explanation = EngineExplanation(parsing: text) else { return text }
        let said = explanation.parts.map { part in
            let values = zip(part.phrase.slots, part.values).map { slot, value in
                switch slot {
                case .days: self.text(value == "1" ? "phrase.day" : "phrase.days", [value])
                case .percent: value + "%"
                case .decimal, .text: value
                }
            }
            return self.text("phrase.\(part.phrase.rawValue)", values)
        }.joined(separator: self.text("phrase.separator"))
        return explanation.winBack ? self.text("phrase.win_back", [said]) : said
    }
}
