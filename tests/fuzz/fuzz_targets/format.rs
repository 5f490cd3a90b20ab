//! Parse any bytes and format the references with a bundled style (chosen by the
//! first byte): an entry per reference or a clear error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((pick, bytes)) = data.split_first() else { return };
    let refs = citris::parse_bytes(bytes).references;
    if refs.is_empty() || refs.len() > 64 {
        return;
    }
    let styles = citris::cite::bundled_styles();
    let name = styles[usize::from(*pick) % styles.len()].name;
    let style = citris::cite::Style::bundled(name).expect("bundled style");
    let items = citris::csl_json::items(&refs);
    let entries = citris::cite::format(&items, &style, "en-US").expect("formats");
    assert_eq!(entries.len(), refs.len(), "{name}");
});
