//! The `citris` command-line tool.
//!
//! ```text
//! citris convert --to <bibtex|biblatex|csl-json|ris> [-o FILE] [--latex-accents] [--quiet] [--verbose] [FILE...]
//! citris format --style <name|FILE.csl> [--locale en-US] [--output text|html|markdown] [FILE...]
//! citris styles [QUERY]
//! citris check [FILE...]
//! ```
//! Reads the files, or standard input when none or `-` is given. Diagnostics go to
//! standard error as `FILE:LINE:COLUMN: warning: message`. Exit status: 0 when records
//! were read (warnings allowed), 1 when the input holds no record or cannot be read,
//! 2 on a usage error.

/// Many small strings are made and dropped per record: mimalloc does that with
/// fewer page faults and less time than the system allocator (benches/core.rs).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use citris::{Diagnostic, Format, Options, Severity, Writer};
use std::io::{self, Read, Write};
use std::process::ExitCode;

const USAGE: &str = "\
citris: convert RIS citations

usage:
  citris convert --to <bibtex|biblatex|csl-json|ris> [-o FILE] [options] [FILE...]
  citris format [--style NAME|FILE.csl] [--locale LOCALE] [--output text|html|markdown] [-o FILE] [FILE...]
                                        formatted bibliography, one entry per line (default style apa)
  citris styles [QUERY]                 list every CSL style (id, format, title), or those matching
                                        QUERY (title, ISSN, field such as 'medicine'), best first
  citris check [options] [FILE...]      read only: count records, report problems
  citris --help | --version

Reads the FILEs, or standard input when none or '-' is given.

options:
  -t, --to FORMAT       output format: bibtex, biblatex, csl-json, ris
  -o FILE               write to FILE instead of standard output (convert, format)
  -s, --style S         format: any CSL repository style id (apa, elsevier-harvard,
                        cancer-gene-therapy; see 'citris styles') or a .csl file
  -l, --locale L        format: a CSL locale (en-US, de-DE, pt-BR, …; default: the style's)
      --output MODE     format: text (default), html or markdown; convert: same as -o FILE
      --keys FORM       citation keys: authoryear-title (rezaei2021combination, default) or authoryear (rezaei2021)
      --latex-accents   BibTeX/BibLaTeX: write accents as LaTeX commands ({\\\"u}) instead of UTF-8
  -q, --quiet           print errors only
  -v, --verbose         also print informational notes (encoding, unmapped tags kept)
      --message-format F  human (default) or json: one JSON object a line on standard
                        error, {\"file\",\"line\",\"column\",\"byte\",\"severity\",\"code\",\"message\"},
                        informational notes included (errors only with --quiet);
                        check ends with {\"records\":N}

Diagnostics go to standard error as FILE:LINE:COLUMN: SEVERITY: MESSAGE.
Exit status: 0 records read; 1 no record or unreadable input; 2 usage error.";

struct Args {
    command: String,
    to: Option<Format>,
    output: Option<String>,
    style: Option<String>,
    locale: String,
    mode: Option<String>,
    files: Vec<String>,
    quiet: bool,
    verbose: bool,
    json: bool,
    opts: Options,
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("citris: {msg}\n(run 'citris --help' for usage)");
    ExitCode::from(2)
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut a = Args {
        command: String::new(),
        to: None,
        output: None,
        style: None,
        locale: String::new(),
        mode: None,
        files: Vec::new(),
        quiet: false,
        verbose: false,
        json: false,
        opts: Options::default(),
    };
    let mut only_files = false;
    while let Some(arg) = it.next() {
        if only_files || arg == "-" || !arg.starts_with('-') {
            if a.command.is_empty() {
                a.command = arg;
            } else {
                a.files.push(arg);
            }
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--" => only_files = true,
            "-h" | "--help" => a.command = "help".into(),
            "-V" | "--version" => a.command = "version".into(),
            "-t" | "--to" => {
                let v = value("--to")?;
                a.to = Some(Format::parse_name(&v)?);
            }
            "-o" => a.output = Some(value("-o")?),
            // `--output` names a file for convert (the documented contract) and the
            // output mode for format (`--output html`).
            "--output" => {
                let v = value("--output")?;
                if matches!(v.as_str(), "text" | "html" | "markdown" | "md") {
                    a.mode = Some(v);
                } else {
                    a.output = Some(v);
                }
            }
            "-s" | "--style" => a.style = Some(value("--style")?),
            "-l" | "--locale" => a.locale = value("--locale")?,
            "-q" | "--quiet" => a.quiet = true,
            "-v" | "--verbose" => a.verbose = true,
            "--message-format" => {
                a.json = match value("--message-format")?.as_str() {
                    "json" => true,
                    "human" => false,
                    other => {
                        return Err(format!(
                            "unknown message format '{other}' (expected human or json)"
                        ));
                    }
                }
            }
            "--latex-accents" => a.opts.latex_accents = true,
            "--keys" => {
                let v = value("--keys")?;
                a.opts.keys = citris::keys::KeyStyle::from_name(&v).ok_or_else(|| {
                    format!("unknown key form '{v}' (expected authoryear-title or authoryear)")
                })?;
            }
            _ => return Err(format!("unknown option '{arg}'")),
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    match args.command.as_str() {
        "help" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        "version" => {
            println!("citris {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        "convert" => match args.to {
            Some(f) => run(&args, Job::Convert(f)),
            None => usage_error("convert needs --to <bibtex|biblatex|csl-json|ris>"),
        },
        "check" => run(&args, Job::Check),
        #[cfg(feature = "cite")]
        "format" => match load_style(&args) {
            Ok(style) => run(&args, Job::Format(style)),
            Err(code) => code,
        },
        "styles" => list_styles(&args.files),
        "" => usage_error("missing command (convert or check)"),
        other => usage_error(&format!("unknown command '{other}'")),
    }
}

fn print_diag(name: &str, d: &Diagnostic, args: &Args, err: &mut impl Write) {
    let show = match d.severity {
        Severity::Error => true,
        Severity::Warning => !args.quiet,
        // Programs reading JSON filter for themselves.
        Severity::Info => (args.verbose || args.json) && !args.quiet,
    };
    if !show {
        return;
    }
    if args.json {
        let line = json_line(name, d.pos, d.severity, d.code(), &d.message);
        let _ = writeln!(err, "{line}");
    } else {
        let _ = writeln!(
            err,
            "{name}:{}:{}: {}: {}",
            d.pos.line, d.pos.column, d.severity, d.message
        );
    }
}

/// One line of JSON (`--message-format json`), as cargo prints its messages,
/// in the order `file`, `line`, `column`, `byte`, `severity`, `code`,
/// `message`: for the input's diagnostics and for errors about files alike.
fn json_line(
    file: &str,
    pos: citris::Position,
    severity: Severity,
    code: &str,
    message: &str,
) -> String {
    let j = |v: &str| serde_json::Value::from(v).to_string();
    format!(
        "{{\"file\":{},\"line\":{},\"column\":{},\"byte\":{},\"severity\":\"{severity}\",\"code\":\"{code}\",\"message\":{}}}",
        j(file),
        pos.line,
        pos.column,
        pos.byte.map_or("null".to_string(), |b| b.to_string()),
        j(message),
    )
}

/// An error that is not one of the input's diagnostics (a file that cannot
/// be read, a `.csl` file that is not usable), in the chosen message format,
/// at `pos` when it has one.
fn print_error(
    name: &str,
    code: &'static str,
    pos: Option<citris::Position>,
    message: &str,
    args: &Args,
    err: &mut impl Write,
) {
    let pos = pos.unwrap_or(citris::Position::WHOLE);
    if args.json {
        let _ = writeln!(
            err,
            "{}",
            json_line(name, pos, Severity::Error, code, message)
        );
    } else if pos.line > 0 {
        let _ = writeln!(err, "{name}:{}:{}: error: {message}", pos.line, pos.column);
    } else {
        let _ = writeln!(err, "{name}: error: {message}");
    }
}

/// Bytes read from an input at a time: enough records that mapping and
/// writing them use every core, little beside the size of the input.
const READ_BYTES: usize = 8 << 20;

/// Where the references read go: converted and sent out as they come
/// (unless the output is held), or kept for `format`; `check` only counts
/// them.
struct Output {
    writer: Option<Writer>,
    keep: bool,
    refs: Vec<citris::Reference>,
    text: String,
    hold: bool,
    sink: Sink,
}

impl Output {
    /// Takes the references of `batch`, leaving it empty.
    fn take(&mut self, batch: &mut Vec<citris::Reference>) -> Result<(), String> {
        if let Some(w) = self.writer.as_mut() {
            w.records(batch, &mut self.text);
            batch.clear();
            if !self.hold {
                self.sink.send(&mut self.text)?;
            }
        } else if self.keep {
            self.refs.append(batch);
        } else {
            batch.clear();
        }
        Ok(())
    }
}

/// Where converted text goes: standard output, or the `--output` file, created
/// when the first text arrives (so a run that reads nothing leaves no file).
/// A reader that closes the pipe early (`citris … | head`) ends the writing
/// quietly.
struct Sink {
    path: Option<String>,
    out: Option<Box<dyn Write>>,
    closed_pipe: bool,
}

impl Sink {
    fn new(path: Option<String>) -> Self {
        Sink {
            path,
            out: None,
            closed_pipe: false,
        }
    }

    fn name(&self) -> String {
        self.path
            .clone()
            .unwrap_or_else(|| "standard output".into())
    }

    /// Writes `text` out and empties it.
    fn send(&mut self, text: &mut String) -> Result<(), String> {
        if text.is_empty() || self.closed_pipe {
            text.clear();
            return Ok(());
        }
        if self.out.is_none() {
            self.out = Some(match &self.path {
                Some(p) => Box::new(io::BufWriter::new(
                    std::fs::File::create(p).map_err(|e| format!("{p}: {e}"))?,
                )),
                None => Box::new(io::BufWriter::new(io::stdout())),
            });
        }
        let res = self
            .out
            .as_mut()
            .map_or(Ok(()), |o| o.write_all(text.as_bytes()));
        text.clear();
        self.check(res)
    }

    fn close(&mut self) -> Result<(), String> {
        let res = self.out.as_mut().map_or(Ok(()), |o| o.flush());
        self.check(res)
    }

    fn check(&mut self, res: io::Result<()>) -> Result<(), String> {
        match res {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed_pipe = true;
                Ok(())
            }
            Err(e) => Err(format!("{}: {e}", self.name())),
            Ok(()) => Ok(()),
        }
    }
}

/// What `run` produces from the references it reads.
enum Job {
    Check,
    Convert(Format),
    #[cfg(feature = "cite")]
    Format(citris::cite::Style),
}

/// `citris styles [QUERY]`: one style a line, id first, then the format and the
/// title; the whole index sorted by id, or the matches of QUERY best first.
/// Counts and the locales go to standard error, so that standard output can be
/// piped. Exit 1 when nothing matches.
#[cfg(feature = "cite")]
fn list_styles(words: &[String]) -> ExitCode {
    let query = words.join(" ");
    let Some(index) = citris::styles::current() else {
        println!("this build of citris has these styles (citris format --style NAME):");
        for s in citris::cite::bundled_styles() {
            println!("{:<28} {}", s.name, s.title);
        }
        eprintln!(
            "locales (--locale): {}",
            citris::cite::available_locales().join(", ")
        );
        return ExitCode::SUCCESS;
    };
    let hits: Vec<&citris::styles::StyleInfo> = if query.trim().is_empty() {
        index.styles().iter().collect()
    } else {
        index.search(&query, usize::MAX)
    };
    if hits.is_empty() {
        eprintln!("citris: no style matches '{query}'");
        return ExitCode::from(1);
    }
    let width = hits.iter().map(|s| s.id.len()).max().unwrap_or(0).min(48);
    let mut out = String::with_capacity(hits.len() * 96);
    for s in &hits {
        out.push_str(&format!(
            "{:<width$}  {:<11}  {}\n",
            s.id,
            s.format.as_str(),
            s.title
        ));
    }
    let mut stdout = io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("citris: error: cannot write standard output: {e}");
            return ExitCode::from(1);
        }
        return ExitCode::SUCCESS;
    }
    let dependent = index.styles().iter().filter(|s| s.is_dependent()).count();
    if query.trim().is_empty() {
        eprintln!(
            "{} styles ({} independent, {dependent} dependent: these format with their parent's rules)",
            index.styles().len(),
            index.styles().len() - dependent
        );
        let codes: Vec<&str> = index.locales().iter().map(|l| l.code.as_str()).collect();
        eprintln!("locales (--locale): {}", codes.join(", "));
    } else {
        eprintln!(
            "{} of {} styles match '{query}'",
            hits.len(),
            index.styles().len()
        );
    }
    ExitCode::SUCCESS
}

#[cfg(not(feature = "cite"))]
fn list_styles(_words: &[String]) -> ExitCode {
    println!("this build of citris has no formatter (built without the 'cite' feature)");
    ExitCode::SUCCESS
}

/// Loads the `--style` of `format`: a style id or short name, or a `.csl` file.
/// Exit 2 for an unknown name (with the nearest ids), 1 for a file that cannot be
/// read or is not a usable style.
#[cfg(feature = "cite")]
fn load_style(args: &Args) -> Result<citris::cite::Style, ExitCode> {
    use citris::cite::Style;
    let spec = args.style.clone().unwrap_or_else(|| "apa".into());
    let is_file = spec.ends_with(".csl") || spec.ends_with(".xml") || spec.contains('/');
    if !is_file {
        return Style::named(&spec).map_err(|e| match e.kind() {
            citris::cite::CiteErrorKind::UnknownStyle { .. } => usage_error(&e.to_string()),
            _ => {
                eprintln!("citris: error: {e}");
                ExitCode::from(1)
            }
        });
    }
    let xml = std::fs::read_to_string(&spec).map_err(|e| {
        let msg = format!("cannot read the style: {e}");
        print_error(
            &spec,
            "unreadable-input",
            None,
            &msg,
            args,
            &mut io::stderr(),
        );
        ExitCode::from(1)
    })?;
    Style::from_xml(&xml).map_err(|e| {
        let msg = if e.position().is_some() {
            e.message().to_string()
        } else {
            e.to_string()
        };
        let code = e.kind().code();
        print_error(&spec, code, e.position(), &msg, args, &mut io::stderr());
        ExitCode::from(1)
    })
}

fn run(args: &Args, job: Job) -> ExitCode {
    let files: Vec<String> = if args.files.is_empty() {
        vec!["-".into()]
    } else {
        args.files.clone()
    };
    let stderr = io::stderr();
    let mut err = stderr.lock();
    // `-o` naming one of the inputs (`convert --to ris a.ris b.ris -o b.ris`):
    // the output is held until every input has been read, or creating it would
    // empty an input not read yet.
    let hold = args.output.as_deref().is_some_and(|o| {
        let o = std::fs::canonicalize(o);
        files.iter().any(|f| {
            o.as_ref()
                .is_ok_and(|o| std::fs::canonicalize(f).is_ok_and(|f| f == *o))
        })
    });
    let mut output = Output {
        writer: match &job {
            Job::Convert(f) => Some(Writer::new(*f, args.opts)),
            _ => None,
        },
        keep: !matches!(job, Job::Check),
        refs: Vec::new(),
        text: String::new(),
        hold,
        sink: Sink::new(args.output.clone()),
    };
    let mut total = 0usize;
    let mut failed = false;
    for file in &files {
        let (name, mut input): (String, Box<dyn Read>) = if file == "-" {
            ("<stdin>".to_string(), Box::new(io::stdin().lock()))
        } else {
            match std::fs::File::open(file) {
                Ok(f) => (file.clone(), Box::new(f)),
                Err(e) => {
                    let msg = format!("cannot read: {e}");
                    print_error(file, "unreadable-input", None, &msg, args, &mut err);
                    failed = true;
                    continue;
                }
            }
        };
        // Read, mapped and written in slices: memory stays flat in the size of
        // the input (the references own their text, so each slice of input
        // can go once read).
        let mut reader = citris::ris::Reader::new();
        let mut batch = Vec::new();
        let mut buf = vec![0u8; READ_BYTES];
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let what = if file == "-" {
                        "standard input"
                    } else {
                        "the file"
                    };
                    let msg = format!("cannot read {what}: {e}");
                    print_error(&name, "unreadable-input", None, &msg, args, &mut err);
                    failed = true;
                    break;
                }
            };
            reader.push(&buf[..n], &mut batch);
            if let Err(e) = output.take(&mut batch) {
                let _ = writeln!(err, "citris: error: cannot write {e}");
                return ExitCode::from(1);
            }
        }
        reader.finish(&mut batch);
        if let Err(e) = output.take(&mut batch) {
            let _ = writeln!(err, "citris: error: cannot write {e}");
            return ExitCode::from(1);
        }
        for d in &reader.take_diagnostics() {
            print_diag(&name, d, args, &mut err);
        }
        total += reader.records();
    }
    let Output {
        writer,
        refs,
        text: mut out,
        mut sink,
        ..
    } = output;
    if let Some(mut w) = writer {
        let _ = w.finish(&mut out);
    }
    match &job {
        Job::Check => {
            let plural = if total == 1 { "" } else { "s" };
            if args.json {
                let _ = writeln!(err, "{{\"records\":{total}}}");
            } else {
                let _ = writeln!(err, "{total} record{plural} read");
            }
        }
        Job::Convert(_) => {}
        #[cfg(feature = "cite")]
        Job::Format(style) => {
            use citris::cite::Output;
            let mode = match args.mode.as_deref() {
                Some("html") => Output::Html,
                Some("markdown" | "md") => Output::Markdown,
                _ => Output::Text,
            };
            match citris::cite::format_references(&refs, args.opts.keys, style, &args.locale) {
                Ok(entries) => {
                    for e in &entries {
                        out.push_str(e.get(mode));
                        out.push('\n');
                    }
                }
                Err(e) => {
                    let _ = writeln!(err, "citris: error: {e}");
                    return ExitCode::from(1);
                }
            }
        }
    }
    if total == 0 {
        return ExitCode::from(1);
    }
    if !matches!(job, Job::Check) {
        if let Err(e) = sink.send(&mut out).and_then(|_| sink.close()) {
            let _ = writeln!(err, "citris: error: cannot write {e}");
            return ExitCode::from(1);
        }
    }
    if failed {
        // Some inputs could not be read: say so in the status even if others converted.
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
