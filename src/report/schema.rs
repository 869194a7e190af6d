//! The JSON Schema of the report (`latest.json`, JSON Schema draft 2020-12), built into the
//! binary so `leakgate report schema` can print the one that matches the report it writes. Its
//! `$id` is the report's `schema` value ([`super::SCHEMA`]). The repository keeps the same file
//! as docs/report.schema.json (a test checks that the two are identical).

/// The schema document.
pub const JSON: &str = include_str!("report.schema.json");

#[cfg(test)]
mod tests {
    #[test]
    fn the_schema_is_json_and_its_id_is_the_report_schema_value() {
        let v: serde_json::Value = serde_json::from_str(super::JSON).unwrap();
        assert_eq!(v["$id"], crate::report::SCHEMA);
        assert_eq!(v["properties"]["schema"]["const"], crate::report::SCHEMA);
        assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    }
}
