//! Validates reports against docs/report.schema.json (JSON Schema draft 2020-12, format checks
//! on). `scan_json` validates every report it returns.

use serde_json::Value;
use std::path::Path;
use std::sync::OnceLock;

/// The schema document in docs/.
pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    })
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(schema())
            .expect("docs/report.schema.json compiles")
    })
}

/// The schema's complaints about `report` (empty: valid).
pub fn report_errors(report: &Value) -> Vec<String> {
    validator()
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// Asserts that `report` is valid under docs/report.schema.json.
pub fn assert_valid_report(report: &Value) {
    let errors = report_errors(report);
    assert!(
        errors.is_empty(),
        "the report fails docs/report.schema.json:\n{}",
        errors.join("\n")
    );
}
