import RapportCore
import Vapor

extension Request {
    /// Why `rule` — text a form sent, which the API's parser refused with `fallback` — cannot be read, in the
    /// page's language: "筛选规则有误：第 8 列：'=' 后面缺少取值". The parser's error carries its problem and values, so
    /// only a refusal that is not the parser's (the rule's length) keeps the English `fallback`.
    func invalidRuleText(_ rule: String, fallback: String) -> String {
        let said: String
        do {
            _ = try CrowdRuleParser().parse(rule)
            said = fallback
        } catch {
            said = text("rule_error.at", [String(error.column),
                                          text("rule_error.\(error.problem.rawValue)", error.arguments)])
        }
        return text("error.invalid_filter", [said])
    }
}
