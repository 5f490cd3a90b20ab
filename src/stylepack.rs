//! Every CSL style and locale inside the binary: `styles/pack.bin`, written by
//! `tools/stylepack.py pack` from the pinned PyPI packages (`./build.sh stylepack`).
//!
//! The pack holds the style index (see [`crate::styles`]), each independent style
//! and each locale, minified, in zstd frames of about 4 MiB (1.6 MB for 39 MB of
//! XML). Looking one style up decodes the index, a small directory and the one
//! frame that holds the style, with a pure-Rust decoder (`ruzstd`); frames are
//! decoded once per process.
//!
//! Layout: `CITRISPK`, then little-endian `u32` version (1) and frame count, then
//! per frame `u32` offset, compressed length, decoded length; then the frames.
//! Frame 0 is `index.json`, frame 1 the directory (`name\tframe\toffset\tlength`
//! lines; locales are named `locale:CODE`), the rest hold the files.

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex, OnceLock};

use crate::styles::Index;

static PACK_BYTES: &[u8] = include_bytes!("../styles/pack.bin");

/// The decoded parts of a pack.
pub struct Pack {
    bytes: &'static [u8],
    frames: Vec<(usize, usize, usize)>,
    index: Arc<Index>,
    directory: HashMap<String, (usize, usize, usize)>,
    decoded: Mutex<HashMap<usize, Arc<Vec<u8>>>>,
}

impl std::fmt::Debug for Pack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pack")
            .field("bytes", &self.bytes.len())
            .field("frames", &self.frames.len())
            .field("styles", &self.index.styles().len())
            .finish()
    }
}

/// The pack built into this binary (decoded on first use).
pub fn embedded() -> Result<&'static Pack, String> {
    static PACK: OnceLock<Result<Pack, String>> = OnceLock::new();
    PACK.get_or_init(|| Pack::read(PACK_BYTES))
        .as_ref()
        .map_err(Clone::clone)
}

fn u32_at(b: &[u8], at: usize) -> Result<usize, String> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
        .ok_or_else(|| "the style pack is truncated".to_string())
}

fn decode(data: &[u8], expected: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(expected);
    let mut src = data;
    let mut dec = ruzstd::decoding::StreamingDecoder::new(&mut src)
        .map_err(|e| format!("the style pack is damaged: {e}"))?;
    dec.read_to_end(&mut out)
        .map_err(|e| format!("the style pack is damaged: {e}"))?;
    if out.len() != expected {
        return Err("the style pack is damaged: a frame has the wrong length".into());
    }
    Ok(out)
}

impl Pack {
    /// Reads the header, the index and the directory of a pack.
    pub fn read(bytes: &'static [u8]) -> Result<Pack, String> {
        if bytes.get(..8) != Some(b"CITRISPK".as_slice()) {
            return Err("not a citris style pack".into());
        }
        if u32_at(bytes, 8)? != 1 {
            return Err("the style pack has an unknown version".into());
        }
        let n = u32_at(bytes, 12)?;
        let mut frames = Vec::with_capacity(n);
        for i in 0..n {
            let at = 16 + 12 * i;
            let (off, len, raw) = (
                u32_at(bytes, at)?,
                u32_at(bytes, at + 4)?,
                u32_at(bytes, at + 8)?,
            );
            if off.checked_add(len).is_none_or(|end| end > bytes.len()) {
                return Err("the style pack is truncated".into());
            }
            frames.push((off, len, raw));
        }
        if frames.len() < 2 {
            return Err("the style pack has no index".into());
        }
        let frame = |i: usize| -> Result<Vec<u8>, String> {
            let (off, len, raw) = frames[i];
            decode(&bytes[off..off + len], raw)
        };
        let index_text =
            String::from_utf8(frame(0)?).map_err(|_| "the style index is not UTF-8".to_string())?;
        let index = Index::from_json(&index_text).map_err(|e| e.to_string())?;
        let dir_text = String::from_utf8(frame(1)?)
            .map_err(|_| "the style pack directory is not UTF-8".to_string())?;
        let mut directory = HashMap::new();
        for line in dir_text.lines() {
            let mut parts = line.split('\t');
            let (Some(name), Some(f), Some(o), Some(l), None) = (
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
                parts.next(),
            ) else {
                return Err(format!("bad line in the style pack directory: {line}"));
            };
            let num = |s: &str| {
                s.parse::<usize>()
                    .map_err(|_| format!("bad line in the style pack directory: {line}"))
            };
            let (f, o, l) = (num(f)?, num(o)?, num(l)?);
            if f < 2 || f >= frames.len() || o.checked_add(l).is_none_or(|e| e > frames[f].2) {
                return Err(format!("bad line in the style pack directory: {line}"));
            }
            directory.insert(name.to_string(), (f, o, l));
        }
        Ok(Pack {
            bytes,
            frames,
            index: Arc::new(index),
            directory,
            decoded: Mutex::new(HashMap::new()),
        })
    }

    /// The index of every style and locale in the pack.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The same index, shared.
    pub fn index_arc(&self) -> Arc<Index> {
        self.index.clone()
    }

    fn file(&self, name: &str) -> Option<Result<String, String>> {
        let &(f, off, len) = self.directory.get(name)?;
        let data = {
            let mut cache = self.decoded.lock().unwrap_or_else(|e| e.into_inner());
            match cache.get(&f) {
                Some(d) => d.clone(),
                None => {
                    let (o, l, raw) = self.frames[f];
                    match decode(&self.bytes[o..o + l], raw) {
                        Ok(d) => {
                            let d = Arc::new(d);
                            cache.insert(f, d.clone());
                            d
                        }
                        Err(e) => return Some(Err(e)),
                    }
                }
            }
        };
        Some(
            std::str::from_utf8(&data[off..off + len])
                .map(str::to_string)
                .map_err(|_| format!("{name} in the style pack is not UTF-8")),
        )
    }

    /// The XML of an independent style by repository id.
    pub fn style_xml(&self, id: &str) -> Option<Result<String, String>> {
        self.file(id)
    }

    /// The XML of a locale by its exact code (`de-DE`).
    pub fn locale_xml(&self, code: &str) -> Option<Result<String, String>> {
        self.file(&format!("locale:{code}"))
    }

    /// Every name in the directory: independent style ids, then `locale:CODE`.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.directory.keys().map(String::as_str)
    }
}
