import RapportCore
import Vapor

extension Request {
    /// A crowd's name in the page's language: a built-in crowd still called what Rapport named it is named from the
    /// catalogue (`crowd.builtin.<key>`); a name a person gave is theirs.
    func crowdName(_ crowd: Crowd) -> String {
        builtIn(crowd).map { $0.name == crowd.name ? text("crowd.builtin.\($0.key)") : crowd.name } ?? crowd.name
    }

    /// A crowd's description in the page's language, by the same rule as `crowdName`.
    func crowdDescription(_ crowd: Crowd) -> String {
        builtIn(crowd).map { $0.description == crowd.description ? text("crowd.builtin.\($0.key).about") : crowd.description }
            ?? crowd.description
    }

    private func builtIn(_ crowd: Crowd) -> BuiltInCrowd? {
        crowd.key.flatMap { key in BuiltInCrowd.all.first { $0.key == key } }
    }
}
