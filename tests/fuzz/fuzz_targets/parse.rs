//! Decode + parse any bytes: no panic, an error diagnostic when nothing was read,
//! and the streaming reader (chunk size from the first byte) reads the same records.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (size, bytes) = match data.split_first() {
        Some((s, rest)) => (usize::from(*s % 61) + 1, rest),
        None => return,
    };
    let whole = citris::parse_bytes(bytes);
    if whole.references.is_empty() {
        assert!(whole
            .diagnostics
            .iter()
            .any(|d| d.severity == citris::Severity::Error));
    }
    let mut s = citris::ris::Reader::new();
    let mut streamed = Vec::new();
    for chunk in bytes.chunks(size) {
        s.push(chunk, &mut streamed);
    }
    s.finish(&mut streamed);
    assert_eq!(streamed, whole.references, "stream and whole input disagree");
});
