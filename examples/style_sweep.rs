//! Every independent CSL style over the conformance items: `./build.sh style-sweep`.
//!
//! For each of the 2,851 independent styles of the style index (the one built
//! into the library, `styles/pack.bin`), this loads the style with
//! [`Style::named`] and formats every group of `tests/conformance/corpus.json`
//! (one bibliography per source file, grouped as the conformance test in
//! `tests/it/cite.rs` groups them) in the style's default locale, bibliography
//! entries and in-text citations. It records, per style:
//!
//! * whether the style loads, and if not the error's kind (`CiteErrorKind::code`)
//!   and message;
//! * every panic (message and place), whether it reached the sweep or was
//!   caught inside `citris::cite::format` and turned into an `engine-failed`
//!   error; each style runs under `catch_unwind`, so the sweep goes on;
//! * the format errors by kind;
//! * cheap signs of broken output a reader would notice: an empty entry or
//!   citation, an item without an entry, and text with a doubled delimiter or
//!   dangling punctuation (`,,`, `, ,`, `;,`, `..` but not `...`, ` ,`, ` .`,
//!   `( )`, `()`, `[]`, `;:`, `; :`, a stray `{` or `}`, and `&#`, a character
//!   reference printed as text). A pattern only counts when no string of the
//!   item itself contains it;
//! * the time to load the style and to format the corpus.
//!
//! It writes a Markdown report (default `tests/conformance/style-sweep.md`,
//! which is committed; it describes how to read it at its top), prints a
//! one-line summary, and exits with status 1 when any style panicked, 0
//! otherwise (load failures, format errors and odd output are reported, not
//! failures of the command).
//!
//! ```text
//! cargo run --release --example style_sweep -- [--out PATH] [--jobs N]
//!     [--only ID,ID,...] [--limit N] [--corpus PATH] [--csl-dir DIR]
//! ```
//!
//! `--only` and `--limit` sweep a part of the styles; the report then goes to
//! `target/style-sweep-partial.md` unless `--out` is given, so the committed
//! report is only ever a whole sweep. `--jobs` (default: the number of cores)
//! sweeps styles on that many threads. `--csl-dir` (default `target/csl`,
//! written by `./build.sh csl-data`) is only used to check that the pack holds
//! the same independent styles as the pinned CSL repository.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use citris::cite::{format, Style};
use citris::styles::StyleInfo;
use serde_json::Value;

/// The output patterns, in report order: the name shown, and what it is.
const PATTERNS: &[(&str, &str)] = &[
    ("empty", "the entry (or citation) is empty"),
    ("missing", "the item has no entry at all"),
    (",,", "two commas"),
    (", ,", "comma, space, comma"),
    (";,", "semicolon and comma"),
    ("..", "two full stops (not an ellipsis `...`)"),
    (" ,", "a space before a comma"),
    (" .", "a space before a full stop"),
    ("( )", "empty parentheses with a space"),
    ("()", "empty parentheses"),
    ("[]", "empty brackets"),
    (";:", "semicolon and colon"),
    ("; :", "semicolon, space, colon"),
    ("{", "an opening brace"),
    ("}", "a closing brace"),
    (
        "&#",
        "an HTML character reference printed as text (`&#160;`)",
    ),
];

/// How many examples the report keeps per pattern, and per style in the sweep.
const EXAMPLES: usize = 4;

// ---------------------------------------------------------------- options

struct Options {
    out: Option<PathBuf>,
    jobs: usize,
    only: Option<Vec<String>>,
    limit: Option<usize>,
    corpus: PathBuf,
    csl_dir: PathBuf,
    findings: Option<PathBuf>,
    print: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: style_sweep [--out PATH] [--jobs N] [--only ID,ID,...] [--limit N] \
         [--corpus PATH] [--csl-dir DIR] [--findings PATH] [--print]"
    );
    std::process::exit(2);
}

fn options() -> Options {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut o = Options {
        out: None,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        only: None,
        limit: None,
        corpus: root.join("tests/conformance/corpus.json"),
        csl_dir: root.join("target/csl"),
        findings: None,
        print: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--out" => o.out = Some(PathBuf::from(value())),
            "--jobs" => o.jobs = value().parse().unwrap_or_else(|_| usage()),
            "--only" => o.only = Some(value().split(',').map(|s| s.trim().to_string()).collect()),
            "--limit" => o.limit = Some(value().parse().unwrap_or_else(|_| usage())),
            "--corpus" => o.corpus = PathBuf::from(value()),
            "--csl-dir" => o.csl_dir = PathBuf::from(value()),
            "--findings" => o.findings = Some(PathBuf::from(value())),
            "--print" => o.print = true,
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    o.jobs = o.jobs.max(1);
    o
}

// ---------------------------------------------------------------- panics

/// A panic seen by the hook.
#[derive(Debug, Clone)]
struct PanicRecord {
    message: String,
    location: String,
}

thread_local! {
    /// The style this thread sweeps, and the panics seen while it did.
    static CURRENT: RefCell<Option<(String, Vec<PanicRecord>)>> = const { RefCell::new(None) };
}

fn payload_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_string()
    }
}

/// Panics while a style is swept are recorded and not printed; others (a bug
/// of the sweep itself) go to the default hook.
fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let recorded = CURRENT.with(|c| match c.try_borrow_mut() {
            Ok(mut c) => match c.as_mut() {
                Some((_, panics)) => {
                    panics.push(PanicRecord {
                        message: payload_message(info.payload()),
                        location: info
                            .location()
                            .map_or_else(|| "?".to_string(), |l| l.to_string()),
                    });
                    true
                }
                None => false,
            },
            Err(_) => false,
        });
        if !recorded {
            default(info);
        }
    }));
}

// ---------------------------------------------------------------- corpus

/// One bibliography: the items of one source file.
struct Group {
    name: String,
    items: Vec<Value>,
    /// Per item: the patterns that already occur in its own strings.
    own: Vec<BTreeSet<&'static str>>,
}

fn strings_of(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings_of(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings_of(x, out)),
        _ => {}
    }
}

fn groups(corpus: &[Value]) -> Vec<Group> {
    // As tests/it/cite.rs, module conformance: one bibliography per source file.
    let mut groups: Vec<Group> = Vec::new();
    for item in corpus {
        let id = item["id"].as_str().unwrap_or_default();
        let source = id.rsplit_once(':').map_or("", |(s, _)| s).to_string();
        let mut strings = Vec::new();
        strings_of(item, &mut strings);
        let own: BTreeSet<&'static str> = PATTERNS
            .iter()
            .map(|(p, _)| *p)
            .filter(|p| strings.iter().any(|s| s.contains(p)))
            .collect();
        let g = match groups.iter_mut().position(|g| g.name == source) {
            Some(i) => &mut groups[i],
            None => {
                groups.push(Group {
                    name: source,
                    items: Vec::new(),
                    own: Vec::new(),
                });
                groups.last_mut().unwrap()
            }
        };
        g.items.push(item.clone());
        g.own.push(own);
    }
    groups
}

/// The patterns `text` shows (without `empty` and `missing`).
fn text_patterns(text: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    for (p, _) in PATTERNS {
        let hit = match *p {
            "empty" | "missing" => false,
            // Exactly two full stops: not part of a run of three or more.
            ".." => {
                let b = text.as_bytes();
                let mut i = 0;
                let mut hit = false;
                while i < b.len() {
                    if b[i] == b'.' {
                        let start = i;
                        while i < b.len() && b[i] == b'.' {
                            i += 1;
                        }
                        if i - start == 2 {
                            hit = true;
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                hit
            }
            _ => text.contains(p),
        };
        if hit {
            found.push(*p);
        }
    }
    found
}

// ---------------------------------------------------------------- one style

/// Where a pattern showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Bibliography,
    Citation,
}

impl Part {
    fn as_str(self) -> &'static str {
        match self {
            Part::Bibliography => "bibliography",
            Part::Citation => "citation",
        }
    }
}

#[derive(Debug, Clone)]
struct Finding {
    pattern: &'static str,
    part: Part,
    group: String,
    item: String,
    text: String,
}

#[derive(Debug, Default)]
struct StyleResult {
    id: String,
    format: String,
    /// Whether `Style::named` returned a style.
    loaded: bool,
    /// Why the style did not load: the error's code and message.
    load_error: Option<(String, String)>,
    /// Every panic seen while the style ran.
    panics: Vec<PanicRecord>,
    /// Whether a panic reached the sweep (rather than being caught in `format`).
    escaped: bool,
    /// Format errors: group, code, message.
    errors: Vec<(String, String, String)>,
    groups_ok: usize,
    entries: usize,
    /// Count of flagged entries or citations by (pattern, part).
    counts: BTreeMap<(&'static str, Part), usize>,
    /// Every flagged entry or citation.
    findings: Vec<Finding>,
    load_time: Duration,
    format_time: Duration,
    /// Every entry and citation, with `--print`.
    printed: String,
}

impl StyleResult {
    fn flagged(&self) -> usize {
        self.counts.values().sum()
    }
}

/// Sweeps one style into `r` (which keeps what was found if this panics).
fn sweep_style(info: &StyleInfo, groups: &[Group], print: bool, r: &mut StyleResult) {
    let t = Instant::now();
    let style = match Style::named(&info.id) {
        Ok(s) => s,
        Err(e) => {
            r.load_time = t.elapsed();
            r.load_error = Some((e.kind().code().to_string(), e.to_string()));
            return;
        }
    };
    r.load_time = t.elapsed();
    r.loaded = true;
    let t = Instant::now();
    for g in groups {
        let entries = match format(&g.items, &style, "") {
            Ok(e) => e,
            Err(e) => {
                r.errors
                    .push((g.name.clone(), e.kind().code().to_string(), e.to_string()));
                continue;
            }
        };
        r.groups_ok += 1;
        r.entries += entries.len();
        let by_id: HashMap<&str, &citris::cite::Entry> =
            entries.iter().map(|e| (e.id.as_str(), e)).collect();
        if print {
            for e in &entries {
                let _ = writeln!(
                    r.printed,
                    "{}\t{}\tbibliography\t{}\n{}\t{}\tcitation\t{}",
                    info.id, e.id, e.text, info.id, e.id, e.citation
                );
            }
        }
        for (k, item) in g.items.iter().enumerate() {
            let id = item["id"].as_str().unwrap_or_default();
            let mut flag = |pattern: &'static str, part: Part, text: &str| {
                *r.counts.entry((pattern, part)).or_default() += 1;
                r.findings.push(Finding {
                    pattern,
                    part,
                    group: g.name.clone(),
                    item: id.to_string(),
                    text: text.to_string(),
                });
            };
            let Some(entry) = by_id.get(id) else {
                flag("missing", Part::Bibliography, "");
                continue;
            };
            for (part, text) in [
                (Part::Bibliography, entry.text.as_str()),
                (Part::Citation, entry.citation.as_str()),
            ] {
                if text.trim().is_empty() {
                    flag("empty", part, text);
                    continue;
                }
                for p in text_patterns(text) {
                    if !g.own[k].contains(p) {
                        flag(p, part, text);
                    }
                }
            }
        }
    }
    r.format_time = t.elapsed();
}

/// `f` under `catch_unwind`, with the panics the hook saw on this thread
/// while it ran (quietly: the hook prints nothing for them). When `f` panics,
/// the result holds the payload; the list holds every panic, also those that
/// `f` caught itself (as `citris::cite::format` does).
type Payload = Box<dyn std::any::Any + Send>;
fn guarded<T>(id: &str, f: impl FnOnce() -> T) -> (Result<T, Payload>, Vec<PanicRecord>) {
    CURRENT.with(|c| *c.borrow_mut() = Some((id.to_string(), Vec::new())));
    let outcome = catch_unwind(AssertUnwindSafe(f));
    let mut panics = CURRENT
        .with(|c| c.borrow_mut().take())
        .map(|(_, p)| p)
        .unwrap_or_default();
    if let Err(payload) = &outcome {
        if panics.is_empty() {
            panics.push(PanicRecord {
                message: payload_message(&**payload),
                location: "?".into(),
            });
        }
    }
    (outcome, panics)
}

/// [`sweep_style`] under [`guarded`].
fn sweep_guarded(info: &StyleInfo, groups: &[Group], print: bool) -> StyleResult {
    let mut r = StyleResult {
        id: info.id.clone(),
        format: info.format.to_string(),
        ..Default::default()
    };
    let t = Instant::now();
    let (outcome, panics) = guarded(&info.id, || sweep_style(info, groups, print, &mut r));
    let elapsed = t.elapsed();
    if outcome.is_err() {
        r.escaped = true;
        if r.loaded {
            r.format_time = elapsed.saturating_sub(r.load_time);
        } else {
            r.load_time = elapsed;
        }
    }
    r.panics.extend(panics);
    r
}

// ---------------------------------------------------------------- report helpers

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

/// `1234567` → `1,234,567`.
fn n(x: usize) -> String {
    let s = x.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Days since 1970-01-01 → (year, month, day) (proleptic Gregorian).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn now_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        t / 3600,
        (t % 3600) / 60
    )
}

/// A command's first line of output, if it runs.
fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(program)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8_lossy(&out.stdout);
    s.lines()
        .next()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
}

/// `1 style`, `2 styles`.
fn styles(count: usize) -> String {
    format!("{} style{}", n(count), if count == 1 { "" } else { "s" })
}

/// Text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Text for inline code: without backticks and shortened.
fn code(s: &str, max: usize) -> String {
    let s = s.replace('`', "'").replace('\n', " ");
    let mut out: String = s.chars().take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    format!("`{}`", out.replace('|', "\\|"))
}

/// A cause to count styles by: the error's code and its message with the
/// style's own id and the parts that name one place taken out.
fn cause_of(code: &str, message: &str, id: &str) -> String {
    let mut m = message.replace(&format!("'{id}'"), "'…'");
    // `line 12, column 4: …` and hayagriva's byte offsets name one place.
    if let Some(rest) = m.strip_prefix("line ") {
        if let Some(i) = rest.find(": ") {
            m = rest[i + 2..].to_string();
        }
    }
    let mut out = String::new();
    let mut digits = false;
    for c in m.chars() {
        if c.is_ascii_digit() {
            if !digits {
                out.push('N');
            }
            digits = true;
        } else {
            digits = false;
            out.push(c);
        }
    }
    format!("{code}: {out}")
}

/// Whether the pack holds the independent styles of the CSL data on disk.
fn check_csl_dir(dir: &Path, ids: &BTreeSet<String>) -> String {
    let styles = dir.join("styles");
    let Ok(read) = std::fs::read_dir(&styles) else {
        return format!(
            "not checked against the CSL repository ({} is missing: `./build.sh csl-data`)",
            styles.display()
        );
    };
    let on_disk: BTreeSet<String> = read
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.strip_suffix(".csl").map(str::to_string)
        })
        .collect();
    if &on_disk == ids {
        format!(
            "the same {} independent styles as `target/csl/styles`",
            n(ids.len())
        )
    } else {
        let only_pack = ids.difference(&on_disk).count();
        let only_disk = on_disk.difference(ids).count();
        format!(
            "**differs from `target/csl/styles`**: {only_pack} styles only in the pack, \
             {only_disk} only on disk (`./build.sh stylepack` regenerates the pack)"
        )
    }
}

// ---------------------------------------------------------------- main

fn main() -> ExitCode {
    let opts = options();
    install_panic_hook();

    let corpus_text = std::fs::read_to_string(&opts.corpus).unwrap_or_else(|e| {
        eprintln!("style_sweep: {}: {e}", opts.corpus.display());
        std::process::exit(2)
    });
    let corpus: Vec<Value> = serde_json::from_str(&corpus_text).unwrap_or_else(|e| {
        eprintln!("style_sweep: {}: {e}", opts.corpus.display());
        std::process::exit(2)
    });
    let groups = groups(&corpus);

    let Some(index) = citris::styles::current() else {
        eprintln!("style_sweep: no style index (build with the default features)");
        return ExitCode::from(2);
    };
    let all: Vec<&StyleInfo> = index
        .styles()
        .iter()
        .filter(|s| !s.is_dependent())
        .collect();
    let independent = all.len();
    let all_ids: BTreeSet<String> = all.iter().map(|s| s.id.clone()).collect();
    let mut chosen: Vec<&StyleInfo> = match &opts.only {
        Some(only) => {
            for id in only {
                if !all_ids.contains(id) {
                    eprintln!("style_sweep: '{id}' is not an independent style of the index");
                    return ExitCode::from(2);
                }
            }
            all.iter()
                .copied()
                .filter(|s| only.contains(&s.id))
                .collect()
        }
        None => all.clone(),
    };
    if let Some(limit) = opts.limit {
        chosen.truncate(limit);
    }
    let partial = chosen.len() < independent;
    let out = opts.out.clone().unwrap_or_else(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        if partial {
            root.join("target/style-sweep-partial.md")
        } else {
            root.join("tests/conformance/style-sweep.md")
        }
    });

    let started = now_utc();
    let t0 = Instant::now();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, StyleResult)>> = Mutex::new(Vec::new());
    let total = chosen.len();
    let print = opts.print;
    std::thread::scope(|s| {
        for j in 0..opts.jobs.min(total.max(1)) {
            let (chosen, groups, next, done, results) = (&chosen, &groups, &next, &done, &results);
            std::thread::Builder::new()
                .name(format!("sweep-{j}"))
                .spawn_scoped(s, move || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(info) = chosen.get(i) else { break };
                    let r = sweep_guarded(info, groups, print);
                    let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if d % 250 == 0 || d == total {
                        eprintln!("style_sweep: {d}/{total} styles");
                    }
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((i, r));
                })
                .expect("a sweep thread starts");
        }
    });
    let wall = t0.elapsed();
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _)| *i);
    let results: Vec<StyleResult> = results.into_iter().map(|(_, r)| r).collect();
    for r in &results {
        print!("{}", r.printed);
    }
    if let Some(path) = &opts.findings {
        let mut lines = String::new();
        for r in &results {
            for f in &r.findings {
                let line = serde_json::json!({
                    "style": r.id, "group": f.group, "item": f.item,
                    "part": f.part.as_str(), "pattern": f.pattern, "text": f.text,
                });
                lines.push_str(&line.to_string());
                lines.push('\n');
            }
        }
        if let Err(e) = std::fs::write(path, lines) {
            eprintln!("style_sweep: {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    // The dependent styles only name a parent: they are loaded and their
    // default locale resolved, not formatted (their parent is, above).
    let dependents = (!partial).then(|| check_dependents(&index));

    let pack = describe_pack(&index, &all_ids, &opts.csl_dir);
    let report = report(&ReportInput {
        results: &results,
        groups: &groups,
        items: corpus.len(),
        independent,
        partial,
        started: &started,
        wall,
        jobs: opts.jobs,
        pack: &pack,
        dependents: dependents.as_ref(),
    });
    if let Some(dir) = out.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(e) = std::fs::write(&out, &report.text) {
        eprintln!("style_sweep: {}: {e}", out.display());
        return ExitCode::from(2);
    }
    println!("{} (report: {})", report.summary, out.display());
    let dependent_panics = dependents.as_ref().map_or(0, |d| d.panics.len());
    if report.panicked > 0 || dependent_panics > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// What loading the dependent styles found.
struct Dependents {
    total: usize,
    loaded: usize,
    /// Style, error code, message: `Style::named` failed.
    load_errors: Vec<(String, String, String)>,
    /// Style, default locale, error code, message: its default locale does not resolve.
    locale_errors: Vec<(String, String, String, String)>,
    /// Style and panic.
    panics: Vec<(String, PanicRecord)>,
    time: Duration,
}

fn check_dependents(index: &citris::styles::Index) -> Dependents {
    let t = Instant::now();
    let mut d = Dependents {
        total: 0,
        loaded: 0,
        load_errors: Vec::new(),
        locale_errors: Vec::new(),
        panics: Vec::new(),
        time: Duration::ZERO,
    };
    for info in index.styles().iter().filter(|s| s.is_dependent()) {
        d.total += 1;
        let (outcome, panics) = guarded(&info.id, || match Style::named(&info.id) {
            Ok(style) => Ok(citris::cite::resolved_locale(&style, "").map(|_| ())),
            Err(e) => Err(e),
        });
        match outcome {
            Ok(Ok(Ok(()))) => d.loaded += 1,
            Ok(Ok(Err(e))) => {
                d.loaded += 1;
                d.locale_errors.push((
                    info.id.clone(),
                    info.default_locale.clone(),
                    e.kind().code().to_string(),
                    e.to_string(),
                ));
            }
            Ok(Err(e)) => {
                d.load_errors
                    .push((info.id.clone(), e.kind().code().to_string(), e.to_string()))
            }
            // The panic is in `panics`.
            Err(_) => {}
        }
        d.panics
            .extend(panics.into_iter().map(|p| (info.id.clone(), p)));
    }
    d.time = t.elapsed();
    d
}

fn describe_pack(index: &citris::styles::Index, ids: &BTreeSet<String>, csl_dir: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pack_path = root.join("styles/pack.bin");
    let bytes = std::fs::metadata(&pack_path).map_or(0, |m| m.len() as usize);
    let sha = command_line("sha256sum", &["styles/pack.bin"]).and_then(|l| {
        l.split_whitespace()
            .next()
            .map(|h| h[..16.min(h.len())].to_string())
    });
    let commit = command_line(
        "git",
        &["log", "-1", "--format=%h", "--", "styles/pack.bin"],
    );
    let pins: Vec<String> = std::fs::read_to_string(root.join("tools/csl-data.txt"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(|s| format!("`{s}`")))
        .collect();
    let mut s = format!(
        "`styles/pack.bin` ({} bytes{}{}), built from {}; its index has {} styles, {} independent; {}",
        n(bytes),
        sha.map_or(String::new(), |h| format!(", sha256 {h}…")),
        commit.map_or(String::new(), |c| format!(", last committed in {c}")),
        if pins.is_empty() {
            "the pinned CSL data".to_string()
        } else {
            pins.join(" and ")
        },
        n(index.styles().len()),
        n(ids.len()),
        check_csl_dir(csl_dir, ids)
    );
    s.push('.');
    s
}

struct ReportInput<'a> {
    results: &'a [StyleResult],
    groups: &'a [Group],
    items: usize,
    independent: usize,
    partial: bool,
    started: &'a str,
    wall: Duration,
    jobs: usize,
    pack: &'a str,
    dependents: Option<&'a Dependents>,
}

struct Report {
    text: String,
    summary: String,
    panicked: usize,
}

fn report(input: &ReportInput<'_>) -> Report {
    let rs = input.results;
    let loaded: Vec<&StyleResult> = rs.iter().filter(|r| r.loaded).collect();
    let panicked: Vec<&StyleResult> = rs.iter().filter(|r| !r.panics.is_empty()).collect();
    let load_failed: Vec<&StyleResult> = rs.iter().filter(|r| r.load_error.is_some()).collect();
    let with_errors: Vec<&StyleResult> = rs
        .iter()
        .filter(|r| r.loaded && !r.errors.is_empty())
        .collect();
    let clean: Vec<&StyleResult> = rs
        .iter()
        .filter(|r| r.loaded && !r.escaped && r.panics.is_empty() && r.errors.is_empty())
        .collect();
    let flagged: Vec<&StyleResult> = rs.iter().filter(|r| r.flagged() > 0).collect();

    // Causes: load errors, format errors and panics, each style counted once per cause.
    let mut causes: BTreeMap<String, (String, Vec<&str>)> = BTreeMap::new();
    for r in rs {
        let mut mine = BTreeSet::new();
        if let Some((code, msg)) = &r.load_error {
            mine.insert((format!("load {}", cause_of(code, msg, &r.id)), msg.clone()));
        }
        for (_, code, msg) in &r.errors {
            mine.insert((
                format!("format {}", cause_of(code, msg, &r.id)),
                msg.clone(),
            ));
        }
        for p in &r.panics {
            mine.insert((
                format!("panic: {} ({})", p.message, p.location),
                p.message.clone(),
            ));
        }
        let mut seen = BTreeSet::new();
        for (cause, msg) in mine {
            if seen.insert(cause.clone()) {
                let e = causes.entry(cause).or_insert_with(|| (msg, Vec::new()));
                e.1.push(&r.id);
            }
        }
    }
    let mut causes: Vec<(String, String, Vec<&str>)> = causes
        .into_iter()
        .map(|(c, (m, ids))| (c, m, ids))
        .collect();
    causes.sort_by(|a, b| b.2.len().cmp(&a.2.len()).then(a.0.cmp(&b.0)));

    let mut t = String::new();
    let w = &mut t;
    let _ = writeln!(
        w,
        "# Style sweep: every independent CSL style over the conformance items\n"
    );
    let _ = writeln!(
        w,
        "Written by `./build.sh style-sweep` (`cargo run --release --example style_sweep`, \
         see the doc comment of `examples/style_sweep.rs`). It is not part of `./build.sh test`.\n"
    );
    let _ = writeln!(
        w,
        "Each independent style of the style index is loaded with `Style::named` and formats \
         the {} items of `tests/conformance/corpus.json` in {} bibliographies (one per source \
         file, as the conformance test groups them), in the style's default locale, bibliography \
         entries and in-text citations. How to read it:\n",
        n(input.items),
        input.groups.len()
    );
    let _ = writeln!(
        w,
        "- **Totals**: how many styles load, fail to load, panic (a panic anywhere, also one \
         that `citris::cite::format` caught and returned as `engine-failed`), fail to format a \
         bibliography, and format every bibliography without error. The command exits with \
         status 1 when any style panicked.\n\
         - **Causes**: every distinct reason a style failed (`load` or `format` with the \
         error's code and message, numbers as `N`, or a panic with its place), with the number \
         of styles and all of them. A style counts once per cause.\n\
         - **Output patterns**: cheap signs of broken output. Each count is of entries (or \
         citations) that show the pattern; a pattern only counts when no string of the item \
         itself has it, so `..` in an item's title does not count. `missing` is an item with no \
         entry, `empty` an entry or citation with no text. These are hints to look at, not \
         proof of a bug: a style may print `()` on purpose. The items that show a pattern \
         in most styles point at the item (or the engine), the worst styles at the style.\n\
         - **Time**: loading (parsing the style; the pack's frame is decoded on first use) \
         and formatting all bibliographies, per style, on {} thread(s) of a shared machine; \
         compare styles with each other, not runs.\n",
        input.jobs
    );
    if input.partial {
        let _ = writeln!(
            w,
            "**This is a partial sweep: {} of the {} independent styles.**\n",
            rs.len(),
            input.independent
        );
    }
    let _ = writeln!(
        w,
        "Ran {}{}, {} s wall time on {} thread(s). Styles: {}\n",
        input.started,
        command_line("git", &["rev-parse", "--short", "HEAD"]).map_or(String::new(), |c| {
            let dirty =
                command_line("git", &["status", "--porcelain", "--untracked-files=no"]).is_some();
            format!(
                " at commit {c}{}",
                if dirty { " with local changes" } else { "" }
            )
        }),
        (input.wall.as_secs_f64()).round(),
        input.jobs,
        input.pack
    );

    // Totals.
    let mut by_load: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &load_failed {
        *by_load
            .entry(r.load_error.as_ref().unwrap().0.as_str())
            .or_default() += 1;
    }
    let mut by_format: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &with_errors {
        let codes: BTreeSet<&str> = r.errors.iter().map(|(_, c, _)| c.as_str()).collect();
        for c in codes {
            *by_format.entry(c).or_default() += 1;
        }
    }
    let escaped = rs.iter().filter(|r| r.escaped).count();
    let list = |m: &BTreeMap<&str, usize>| {
        if m.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                m.iter()
                    .map(|(k, v)| format!("{k}: {}", n(*v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    };
    let bib_groups: usize = rs.iter().map(|r| r.groups_ok).sum();
    let entries: usize = rs.iter().map(|r| r.entries).sum();
    let _ = writeln!(w, "## Totals\n");
    let _ = writeln!(w, "| | styles |\n|---|---:|");
    let _ = writeln!(w, "| independent styles swept | {} |", n(rs.len()));
    let _ = writeln!(w, "| loaded | {} |", n(loaded.len()));
    let _ = writeln!(
        w,
        "| failed to load{} | {} |",
        list(&by_load),
        n(load_failed.len())
    );
    let _ = writeln!(
        w,
        "| panicked (of them reached the sweep: {}) | {} |",
        n(escaped),
        n(panicked.len())
    );
    let _ = writeln!(
        w,
        "| loaded, but some bibliography failed to format{} | {} |",
        list(&by_format),
        n(with_errors.len())
    );
    let _ = writeln!(
        w,
        "| **loaded and formatted every bibliography without error** | **{}** |",
        n(clean.len())
    );
    let _ = writeln!(
        w,
        "| with some output pattern (below) | {} |",
        n(flagged.len())
    );
    let _ = writeln!(
        w,
        "\n{} bibliographies formatted, {} entries (each with its citation).\n",
        n(bib_groups),
        n(entries)
    );

    // Causes.
    let _ = writeln!(w, "## Causes\n");
    if causes.is_empty() {
        let _ = writeln!(
            w,
            "Every style loaded and formatted every bibliography without a panic.\n"
        );
    } else {
        let _ = writeln!(w, "| styles | cause |\n|---:|---|");
        for (c, _, ids) in &causes {
            let _ = writeln!(w, "| {} | {} |", n(ids.len()), code(c, 240));
        }
        let _ = writeln!(w, "\n## Styles that fail, by cause\n");
        for (c, msg, ids) in &causes {
            // The message of one of them, when the cause is not the message itself.
            let example = if c.ends_with(msg.as_str()) {
                String::new()
            } else {
                format!("; e.g. {}", code(msg, 300))
            };
            let _ = writeln!(
                w,
                "- {} ({}{example})\n  {}",
                code(c, 240),
                styles(ids.len()),
                ids.join(", ")
            );
        }
        let _ = writeln!(w);
    }
    if !panicked.is_empty() {
        let _ = writeln!(w, "### Panics\n");
        for r in &panicked {
            for p in &r.panics {
                let _ = writeln!(
                    w,
                    "- `{}`: {} at `{}`{}",
                    r.id,
                    code(&p.message, 300),
                    p.location,
                    if r.escaped {
                        " (reached the sweep)"
                    } else {
                        ""
                    }
                );
            }
        }
        let _ = writeln!(w);
    }

    // Patterns.
    let mut pat_entries: BTreeMap<(&str, Part), usize> = BTreeMap::new();
    let mut pat_styles: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
    let mut pat_items: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut examples: BTreeMap<&str, Vec<(&str, &Finding)>> = BTreeMap::new();
    for r in rs {
        let mut per: BTreeMap<&str, usize> = BTreeMap::new();
        for ((p, part), c) in &r.counts {
            *pat_entries.entry((p, *part)).or_default() += c;
            *per.entry(p).or_default() += c;
        }
        for (p, c) in per {
            pat_styles.entry(p).or_default().push((&r.id, c));
        }
        let mut items_seen: BTreeSet<(&str, &str)> = BTreeSet::new();
        for f in &r.findings {
            if items_seen.insert((f.pattern, &f.item)) {
                *pat_items
                    .entry(f.pattern)
                    .or_default()
                    .entry(&f.item)
                    .or_default() += 1;
            }
            let ex = examples.entry(f.pattern).or_default();
            // Examples from different styles and items.
            if ex.len() < EXAMPLES && ex.iter().all(|(s, e)| *s != r.id && e.item != f.item) {
                ex.push((&r.id, f));
            }
        }
    }
    let _ = writeln!(w, "## Output patterns\n");
    let _ = writeln!(
        w,
        "| pattern | what | bibliography entries | citations | styles | worst styles (flagged entries) | items in most styles (styles) |\n|---|---|---:|---:|---:|---|---|"
    );
    for (p, what) in PATTERNS {
        let b = pat_entries
            .get(&(*p, Part::Bibliography))
            .copied()
            .unwrap_or(0);
        let c = pat_entries.get(&(*p, Part::Citation)).copied().unwrap_or(0);
        let mut styles = pat_styles.get(p).cloned().unwrap_or_default();
        styles.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut items: Vec<(&str, usize)> = pat_items
            .get(p)
            .map(|m| m.iter().map(|(k, v)| (*k, *v)).collect())
            .unwrap_or_default();
        items.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let worst: Vec<String> = styles
            .iter()
            .take(5)
            .map(|(s, c)| format!("{s} ({c})"))
            .collect();
        let top: Vec<String> = items
            .iter()
            .take(3)
            .map(|(s, c)| format!("{s} ({c})"))
            .collect();
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | {} |",
            code(p, 10),
            cell(what),
            n(b),
            n(c),
            n(styles.len()),
            cell(&worst.join(", ")),
            cell(&top.join(", "))
        );
    }
    let _ = writeln!(
        w,
        "\n\"items in most styles\" counts, per item, the styles in which it shows the pattern: an item that shows it in hundreds of styles is an item with little to print (or an engine bug), a style that shows it for most items a style (or engine) bug.\n"
    );

    let mut worst: Vec<&StyleResult> = flagged.clone();
    worst.sort_by(|a, b| b.flagged().cmp(&a.flagged()).then(a.id.cmp(&b.id)));
    let _ = writeln!(w, "### Worst styles\n");
    let _ = writeln!(
        w,
        "| style | format | flagged | by pattern |\n|---|---|---:|---|"
    );
    for r in worst.iter().take(25) {
        let mut per: BTreeMap<&str, usize> = BTreeMap::new();
        for ((p, _), c) in &r.counts {
            *per.entry(p).or_default() += c;
        }
        let by: Vec<String> = per
            .iter()
            .map(|(p, c)| format!("{} {c}", code(p, 10)))
            .collect();
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} |",
            r.id,
            r.format,
            r.flagged(),
            by.join(", ")
        );
    }
    let _ = writeln!(w, "\n### Examples\n");
    for (p, _) in PATTERNS {
        let Some(ex) = examples.get(p) else { continue };
        let _ = writeln!(w, "{}:\n", code(p, 10));
        for (style, f) in ex {
            let _ = writeln!(
                w,
                "- {style}, {}, {}: {}",
                f.item,
                f.part.as_str(),
                if f.text.is_empty() {
                    "(nothing)".to_string()
                } else {
                    code(&f.text, 400)
                }
            );
        }
        let _ = writeln!(w);
    }

    // Dependent styles.
    if let Some(d) = input.dependents {
        let _ = writeln!(w, "## Dependent styles\n");
        let _ = writeln!(
            w,
            "The {} dependent styles are each loaded with `Style::named` (through their parent) \
             and their default locale resolved with `resolved_locale`, not formatted: they \
             format with their parent's rules, swept above ({} s).\n",
            n(d.total),
            d.time.as_secs_f64().round()
        );
        let _ = writeln!(
            w,
            "- loaded: {} of {}\n- failed to load: {}\n- panicked: {}\n- loaded, but the default locale does not resolve: {}\n",
            n(d.loaded),
            n(d.total),
            n(d.load_errors.len()),
            n(d.panics.len()),
            n(d.locale_errors.len())
        );
        let mut by: BTreeMap<String, (String, Vec<&str>)> = BTreeMap::new();
        for (id, code, msg) in &d.load_errors {
            by.entry(format!("load {}", cause_of(code, msg, id)))
                .or_insert_with(|| (msg.clone(), Vec::new()))
                .1
                .push(id);
        }
        for (id, locale, code, msg) in &d.locale_errors {
            by.entry(format!(
                "default locale `{locale}`: {}",
                cause_of(code, msg, id)
            ))
            .or_insert_with(|| (msg.clone(), Vec::new()))
            .1
            .push(id);
        }
        for (id, p) in &d.panics {
            by.entry(format!("panic: {} ({})", p.message, p.location))
                .or_insert_with(|| (p.message.clone(), Vec::new()))
                .1
                .push(id);
        }
        let mut by: Vec<_> = by.into_iter().collect();
        by.sort_by(|a, b| b.1 .1.len().cmp(&a.1 .1.len()).then(a.0.cmp(&b.0)));
        for (cause, (_, ids)) in &by {
            let _ = writeln!(
                w,
                "- {} ({})\n  {}",
                cell(cause),
                styles(ids.len()),
                ids.join(", ")
            );
        }
        if !by.is_empty() {
            let _ = writeln!(w);
        }
    }

    // Time.
    let mut timed: Vec<&StyleResult> = rs.iter().collect();
    timed.sort_by(|a, b| {
        (b.load_time + b.format_time)
            .cmp(&(a.load_time + a.format_time))
            .then(a.id.cmp(&b.id))
    });
    let mut totals: Vec<Duration> = rs.iter().map(|r| r.load_time + r.format_time).collect();
    totals.sort();
    let pct = |q: f64| -> Duration {
        if totals.is_empty() {
            Duration::ZERO
        } else {
            totals[((totals.len() - 1) as f64 * q).round() as usize]
        }
    };
    let sum: Duration = totals.iter().sum();
    let _ = writeln!(w, "## Time\n");
    let _ = writeln!(
        w,
        "Per style (load and format): median {} ms, 90th percentile {} ms, slowest {} ms; {} s in all.\n",
        ms(pct(0.5)),
        ms(pct(0.9)),
        ms(pct(1.0)),
        (sum.as_secs_f64()).round()
    );
    let _ = writeln!(w, "| style | load ms | format ms |\n|---|---:|---:|");
    for r in timed.iter().take(15) {
        let _ = writeln!(
            w,
            "| {} | {} | {} |",
            r.id,
            ms(r.load_time),
            ms(r.format_time)
        );
    }

    let dependent = input.dependents.map_or(String::new(), |d| {
        format!(
            "; dependent styles: {} of {} load, {} panicked, {} with a default locale that does not resolve",
            n(d.loaded),
            n(d.total),
            n(d.panics.len()),
            n(d.locale_errors.len())
        )
    });
    let summary = format!(
        "style sweep: {} styles, {} loaded, {} failed to load, {} panicked, {} with format errors, {} formatted without error, {} with output patterns{dependent}; {:.0} s",
        n(rs.len()),
        n(loaded.len()),
        n(load_failed.len()),
        n(panicked.len()),
        n(with_errors.len()),
        n(clean.len()),
        n(flagged.len()),
        input.wall.as_secs_f64()
    );
    let _ = writeln!(w, "\n---\n\n{summary}");
    Report {
        text: t,
        summary,
        panicked: panicked.len(),
    }
}

// `cargo test --example style_sweep` (also run by `cargo test`: `test = true` in Cargo.toml).
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_full_stops_count_an_ellipsis_does_not() {
        assert_eq!(text_patterns("Title.. 2000"), vec![".."]);
        assert!(text_patterns("Title... 2000").is_empty());
        assert!(text_patterns("Title.... 2000").is_empty());
        assert_eq!(text_patterns("a..").first(), Some(&".."));
    }

    #[test]
    fn each_pattern_is_found() {
        let found = text_patterns("A,, B , C . D ( ) () [] ;: ; : {x} &#160; ;, , ,");
        for (p, _) in PATTERNS {
            if !matches!(*p, "empty" | "missing" | "..") {
                assert!(found.contains(p), "{p:?} not found");
            }
        }
        assert!(text_patterns("Doe, J. (2020). Title. Journal, 1(2), 3–4.").is_empty());
    }

    #[test]
    fn a_pattern_the_item_has_itself_does_not_count() {
        let corpus = vec![
            serde_json::json!({"id": "f:a", "type": "book", "title": "Odd {braces}"}),
            serde_json::json!({"id": "f:b", "type": "book", "author": [{"family": "X ,Y"}]}),
            serde_json::json!({"id": "g:c", "type": "book", "title": "Plain"}),
        ];
        let g = groups(&corpus);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].items.len(), 2);
        assert!(g[0].own[0].contains("{") && g[0].own[0].contains("}"));
        assert!(g[0].own[1].contains(" ,"));
        assert!(g[1].own[0].is_empty());
    }

    #[test]
    fn causes_drop_the_style_id_and_numbers() {
        assert_eq!(
            cause_of(
                "bad-style",
                "line 3, column 9: the style 'x' cannot be used: 12 errors",
                "x"
            ),
            "bad-style: the style '…' cannot be used: N errors"
        );
    }

    #[test]
    fn panics_are_recorded_with_their_place_and_the_sweep_goes_on() {
        install_panic_hook();
        let (outcome, panics) = guarded("some-style", || -> usize { panic!("boom {}", 1) });
        assert!(outcome.is_err());
        assert_eq!(panics.len(), 1);
        assert_eq!(panics[0].message, "boom 1");
        assert!(
            panics[0].location.contains("style_sweep.rs"),
            "{}",
            panics[0].location
        );
        // A panic caught inside (as citris::cite::format catches the engine's) is recorded too.
        let (outcome, panics) =
            guarded("other-style", || catch_unwind(|| panic!("inner")).is_err());
        assert!(matches!(outcome, Ok(true)));
        assert_eq!(panics.len(), 1);
        assert_eq!(panics[0].message, "inner");
        let (outcome, panics) = guarded("fine", || 7);
        assert!(matches!(outcome, Ok(7)) && panics.is_empty());
    }

    #[test]
    fn dates_and_numbers_print() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(19_723), (2024, 1, 1));
        assert_eq!(civil(19_782), (2024, 2, 29));
        assert_eq!(n(1_234_567), "1,234,567");
        assert_eq!(n(999), "999");
    }
}
