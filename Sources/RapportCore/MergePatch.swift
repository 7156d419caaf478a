/// JSON Merge Patch (RFC 7396): how `PATCH` bodies change a resource.
public enum MergePatch {
    /// Applies `patch` to `target` as RFC 7396 section 2 defines: members set to `null` are removed, objects merge
    /// recursively, anything else replaces the target value.
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in patchMembers {
            if value == .null {
                result.removeValue(forKey: key)
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}
