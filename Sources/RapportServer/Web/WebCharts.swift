import Foundation
import Leaf

/// Charts drawn by the server as SVG geometry the templates place into `<svg>` elements: no script, no library, and
/// every number in the markup also appears as text next to the chart (its table or its legend) for screen readers.
///
/// Geometry is in a fixed view box (`width` × `height`); the SVG scales to its container through `viewBox`.
enum WebCharts {
    static let width = 640.0
    static let height = 220.0
    /// Room below the plot for the labels of the x axis and above it for the tallest bar's value.
    static let bottom = 24.0
    static let top = 12.0

    /// One value per label, as vertical bars. A negative value (a month of more refunds than sales) is drawn as a zero
    /// bar; its text still says the amount.
    static func bars(_ points: [(label: String, value: Double, text: String)]) -> LeafData {
        let maximum = max(points.map(\.value).max() ?? 0, 1)
        let slot = width / Double(max(points.count, 1))
        let plot = height - bottom - top
        return .dictionary([
            "width": .string(format(width)), "height": .string(format(height)),
            "baseline": .string(format(height - bottom)),
            "bars": .array(points.enumerated().map { index, point in
                let barHeight = max(point.value, 0) / maximum * plot
                return .dictionary([
                    "x": .string(format(Double(index) * slot + slot * 0.15)),
                    "y": .string(format(height - bottom - barHeight)),
                    "width": .string(format(slot * 0.7)),
                    "height": .string(format(barHeight)),
                    "labelX": .string(format(Double(index) * slot + slot / 2)),
                    "labelY": .string(format(height - 6)),
                    "label": .string(point.label), "text": .string(point.text),
                ])
            }),
        ])
    }

    /// Several series over the same labels, as polylines with a dot per point; `series` keys name CSS classes.
    static func lines(labels: [String], series: [(key: String, name: String, values: [Double])]) -> LeafData {
        let maximum = max(series.flatMap(\.values).max() ?? 0, 1)
        let step = labels.count > 1 ? (width - 40) / Double(labels.count - 1) : 0
        let plot = height - bottom - top
        func x(_ index: Int) -> Double { 20 + Double(index) * step }
        func y(_ value: Double) -> Double { height - bottom - value / maximum * plot }
        return .dictionary([
            "width": .string(format(width)), "height": .string(format(height)),
            "baseline": .string(format(height - bottom)),
            "labels": .array(labels.enumerated().map { index, label in
                .dictionary(["x": .string(format(x(index))), "y": .string(format(height - 6)), "text": .string(label)])
            }),
            "series": .array(series.map { line in
                .dictionary([
                    "key": .string(line.key), "name": .string(line.name),
                    "points": .string(line.values.enumerated().map { "\(format(x($0.offset))),\(format(y($0.element)))" }
                        .joined(separator: " ")),
                    "last": .string(line.values.last.map { Int($0).formatted() } ?? "0"),
                ])
            }),
        ])
    }

    /// A small trend line without axes, for a crowd's size over its last days.
    static func sparkline(_ values: [Int]) -> LeafData {
        let (w, h) = (120.0, 28.0)
        let low = Double(values.min() ?? 0), high = Double(values.max() ?? 0)
        let span = max(high - low, 1)
        let step = values.count > 1 ? w / Double(values.count - 1) : 0
        let points = values.enumerated().map { index, value in
            "\(format(Double(index) * step)),\(format(h - 2 - (Double(value) - low) / span * (h - 4)))"
        }
        return .dictionary([
            "width": .string(format(w)), "height": .string(format(h)), "points": .string(points.joined(separator: " ")),
        ])
    }

    /// Shares as horizontal bars: each row's width is its share of the largest, in percent of the track.
    static func shares(_ rows: [(key: String, label: String, count: Int)]) -> LeafData {
        let maximum = max(rows.map(\.count).max() ?? 0, 1)
        let total = max(rows.map(\.count).reduce(0, +), 1)
        return .array(rows.map { row in
            .dictionary([
                "key": .string(row.key), "label": .string(row.label), "count": .string(row.count.formatted()),
                "width": .string(format(Double(row.count) / Double(maximum) * 100)),
                "percent": .string((Double(row.count) / Double(total)).formatted(.percent.precision(.fractionLength(1)))),
            ])
        })
    }

    /// Coordinates with at most one decimal, in the C locale (SVG wants a dot).
    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
