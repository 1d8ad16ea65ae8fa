/// The orchestration a program builds on: `RefreshJob`, `BackfillJob`, `LoadJob`, `DemoJob`
/// over a `WarehouseSession`, with `Settings`, `Log` and `Output`; each reports a `RunStatus`.
/// `pipeline` parses its arguments into these and turns statuses into exit codes; another
/// program (a scheduler, a test with a source of its own) can do the same.
public enum Operations {
    public static let version = "0.3.0"
}
