import Transform

/// The publisher sources this build loads, one declaration each in this folder. Adding a source
/// is adding its file and one line here (docs/adding-a-source.md).
public enum Publications {
    public static let all: [any SourceDeclaration] = [
        ListSizes(),
        Ods(),
        Appointments(),
        Qof(),
        Payments(),
        GPContract(),
        PcnDes(),
        OnlineConsultations(),
        CloudTelephony(),
        Workforce(),
        Cqc(),
        GPPatientSurvey(),
        Fingertips(),
    ]
}
