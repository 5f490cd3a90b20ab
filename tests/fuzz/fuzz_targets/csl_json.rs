//! Parse any bytes, write CSL-JSON: always valid JSON, one object per reference,
//! each with a unique string `id` and a string `type`.
#![no_main]
use citris::{Format, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let refs = citris::parse_bytes(data).references;
    let json = citris::write_string(&refs, Format::CslJson, &Options::default());
    let v: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("invalid JSON: {e}\n{json}"));
    let items = v.as_array().expect("an array");
    assert_eq!(items.len(), refs.len());
    let mut ids = std::collections::HashSet::new();
    for item in items {
        assert!(item["type"].is_string(), "{item}");
        assert!(ids.insert(item["id"].as_str().expect("string id").to_string()));
    }
});
