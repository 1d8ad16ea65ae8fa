import CZlib

/// Facts about the zlib the binary is linked against.
public enum Zlib {
    /// e.g. "1.2.13".
    public static var version: String { String(cString: zlibVersion()) }
}
