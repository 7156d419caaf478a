import Foundation

extension ValueModel {
    /// The model as JSON: what `GET /api/v1/analytics/model` and `rapport analytics fit --json` print, and what
    /// `rapport analytics score --model` reads back.
    public var json: JSONValue {
        var document: [String: JSONValue] = [
            "version": .number(Double(version)), "fitted_at": .string(RFC3339.format(fittedAt)),
            "as_of": .string(RFC3339.format(asOf)), "time_unit": .string(timeUnitName),
            "customers": .number(Double(customers)), "repeat_customers": .number(Double(repeatCustomers)),
            "bgnbd": .object([
                "r": .number(bgnbd.r), "alpha": .number(bgnbd.alpha), "a": .number(bgnbd.a), "b": .number(bgnbd.b),
                "log_likelihood": .number(bgnbdLogLikelihood),
            ]),
            "gamma_gamma": .null,
        ]
        if let gammaGamma {
            document["gamma_gamma"] = .object([
                "p": .number(gammaGamma.p), "q": .number(gammaGamma.q), "gamma": .number(gammaGamma.gamma),
                "log_likelihood": gammaGammaLogLikelihood.map(JSONValue.number) ?? .null,
            ])
        }
        return .object(document)
    }

    /// Reads a model written by `json`.
    /// - Throws: `ValidationError` naming every field that is missing or not what it must be.
    public init(json: JSONValue) throws(ValidationError) {
        var errors: [FieldError] = []
        func member(_ path: [String]) -> JSONValue? {
            path.reduce(Optional(json)) { value, key in value?.objectValue?[key] }
        }
        func number(_ path: String..., positive: Bool = true) -> Double {
            guard let value = member(path)?.numberValue, value.isFinite, !positive || value > 0 else {
                errors.append(FieldError(field: path.joined(separator: "."), code: "invalid",
                                         message: positive ? "expected a positive number" : "expected a number"))
                return 1
            }
            return value
        }
        func time(_ field: String) -> Date {
            guard let text = member([field])?.stringValue, let date = RFC3339.parse(text) else {
                errors.append(FieldError(field: field, code: "invalid", message: "expected an RFC 3339 time"))
                return Date(timeIntervalSince1970: 0)
            }
            return date
        }
        let unit = member(["time_unit"])?.stringValue
        if unit != "day" && unit != "week" {
            errors.append(FieldError(field: "time_unit", code: "invalid", message: "expected day or week"))
        }
        let bgnbd = BGNBDParameters(r: number("bgnbd", "r"), alpha: number("bgnbd", "alpha"),
                                    a: number("bgnbd", "a"), b: number("bgnbd", "b"))
        let bgnbdLogLikelihood = number("bgnbd", "log_likelihood", positive: false)
        var gammaGamma: GammaGammaParameters?
        var gammaGammaLogLikelihood: Double?
        if member(["gamma_gamma"]) != .null, member(["gamma_gamma"]) != nil {
            gammaGamma = GammaGammaParameters(p: number("gamma_gamma", "p"), q: number("gamma_gamma", "q"),
                                              gamma: number("gamma_gamma", "gamma"))
            gammaGammaLogLikelihood = member(["gamma_gamma", "log_likelihood"])?.numberValue
        }
        let customers = Int(number("customers", positive: false))
        let repeatCustomers = Int(number("repeat_customers", positive: false))
        let asOf = time("as_of"), fittedAt = time("fitted_at")
        guard errors.isEmpty else { throw ValidationError(errors) }
        self.init(
            version: member(["version"])?.numberValue.map { Int($0) } ?? ValueModel.currentVersion, bgnbd: bgnbd,
            bgnbdLogLikelihood: bgnbdLogLikelihood, gammaGamma: gammaGamma,
            gammaGammaLogLikelihood: gammaGammaLogLikelihood, customers: customers, repeatCustomers: repeatCustomers,
            timeUnitDays: unit == "week" ? 7 : 1, asOf: asOf, fittedAt: fittedAt)
    }
}
