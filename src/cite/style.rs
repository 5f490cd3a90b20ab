//! Parsing CSL styles: a style's XML, patched around hayagriva's gaps
//! ([`patch_style`]), becomes a [`Style`]; malformed XML is reported with its
//! line and column.

use std::borrow::Cow;
use std::sync::Arc;

use hayagriva::citationberg::IndependentStyle;

use super::registry::style_id_of;
use super::{CiteError, CiteErrorKind};
use crate::diag::Position;

/// A parsed CSL style, cheap to clone (the parsed form is shared).
#[derive(Debug, Clone)]
pub struct Style {
    pub(super) inner: Arc<IndependentStyle>,
    /// The variables the style can print or test (see [`style_variables`]).
    pub(super) variables: Arc<Vec<String>>,
    /// The style's own id (a dependent style's, not its parent's); empty for
    /// a style read from a file without one.
    id: String,
    title: String,
    /// A dependent style's own default locale, which overrides its parent's.
    default_locale: Option<String>,
}

impl Style {
    pub(super) fn of(
        parsed: Parsed,
        id: &str,
        title: String,
        default_locale: Option<String>,
    ) -> Style {
        Style {
            inner: parsed.inner,
            variables: parsed.variables,
            id: id.to_string(),
            title,
            default_locale,
        }
    }

    /// A style from the text of a `.csl` file (CSL 1.0.2).
    ///
    /// A dependent style is resolved to its parent (see [`Style::named`]); the
    /// error names the parent when it cannot be found. Malformed XML gives an
    /// error with line and column.
    pub fn from_xml(xml: &str) -> Result<Style, CiteError> {
        let (style, patched) = read_style_file(xml)?;
        match style {
            hayagriva::citationberg::Style::Independent(inner) => {
                let id = style_id_of(&inner.info.id);
                let p = Parsed::of(inner, &patched);
                Ok(Style::of(p.clone(), &id, p.title, None))
            }
            hayagriva::citationberg::Style::Dependent(dep) => {
                let parent = style_id_of(&dep.parent_link.href);
                let title = dep.info.title.value.clone();
                let resolved = Style::named(&parent).map_err(|e| {
                    let why = match e.kind() {
                        CiteErrorKind::UnknownStyle { .. } => {
                            "is not a style citris knows".to_string()
                        }
                        _ => format!("cannot be used: {}", e.message()),
                    };
                    CiteError::new(
                        e.kind().clone(),
                        format!(
                            "'{title}' is a dependent style; its parent style {} {why}. \
                             Use the parent's .csl file instead",
                            dep.parent_link.href.trim()
                        ),
                    )
                })?;
                Ok(Style {
                    id: style_id_of(&dep.info.id),
                    title,
                    default_locale: dep.default_locale.map(|l| l.0),
                    ..resolved
                })
            }
        }
    }

    /// The style's title (a dependent style's own title, not its parent's).
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The style's id (a dependent style's own id).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether the style can print or test variable `name`: an item's other
    /// variables cannot change the output, so they are not handed over.
    pub(super) fn prints(&self, name: &str) -> bool {
        self.variables
            .binary_search_by(|v| v.as_str().cmp(name))
            .is_ok()
    }

    /// The locale the style formats in when none is asked for: a dependent
    /// style's own, else its parent's, else none (en-US).
    pub fn default_locale(&self) -> Option<&str> {
        self.default_locale
            .as_deref()
            .or_else(|| self.inner.default_locale.as_ref().map(|l| l.0.as_str()))
    }
}

/// A parsed independent style with what formatting needs of it.
#[derive(Debug, Clone)]
pub(super) struct Parsed {
    pub(super) inner: Arc<IndependentStyle>,
    /// The variables the style can print or test (see [`style_variables`]).
    pub(super) variables: Arc<Vec<String>>,
    pub(super) title: String,
}

/// Parses an independent style (`Some`) or recognises a dependent one (`None`).
pub(super) fn parse_any(xml: &str) -> Result<Option<Parsed>, String> {
    match parse_style(xml) {
        Ok((hayagriva::citationberg::Style::Independent(inner), patched)) => {
            Ok(Some(Parsed::of(inner, &patched)))
        }
        Ok((hayagriva::citationberg::Style::Dependent(_), _)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A style's XML, with citris's gap fixes (see [`patch_style`]), parsed.
fn parse_style(xml: &str) -> Result<(hayagriva::citationberg::Style, Cow<'_, str>), String> {
    let patched = patch_style(xml);
    let style = hayagriva::citationberg::Style::from_xml(&patched).map_err(|e| describe_de(&e))?;
    Ok((style, patched))
}

/// The text of a user's or the page's `.csl` file, parsed: malformed XML is
/// an error with its place, a file that is no CSL style one that says so.
pub(super) fn read_style_file(
    xml: &str,
) -> Result<(hayagriva::citationberg::Style, Cow<'_, str>), CiteError> {
    check_well_formed(xml, CiteErrorKind::BadStyle, "style")?;
    parse_style(xml).map_err(|e| {
        CiteError::new(
            CiteErrorKind::BadStyle,
            format!("not a valid CSL style: {e}"),
        )
    })
}

impl Parsed {
    pub(super) fn of(inner: IndependentStyle, patched: &str) -> Parsed {
        Parsed {
            title: inner.info.title.value.clone(),
            variables: Arc::new(style_variables(patched)),
            inner: Arc::new(inner),
        }
    }
}

pub(super) fn describe_de(e: &hayagriva::citationberg::XmlDeError) -> String {
    match &e.path {
        Some(path) if !path.to_string().is_empty() && path.to_string() != "." => {
            format!("{} (in `{path}`)", e.source)
        }
        _ => e.source.to_string(),
    }
}

/// Every variable a style names (`variable`, `is-numeric` and
/// `is-uncertain-date` attributes: what it prints, sorts by or tests), plus
/// what the formatter reads whatever the style: `id`, `type`, `language`
/// (title case applies to English items only), the short forms of titles and
/// `page` (for `page-first`). A variable outside this set cannot change the
/// output, so items are trimmed to it before they are read: an abstract is
/// not cleaned, copied and indexed for APA, which never prints it.
fn style_variables(xml: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut names: Vec<String> = [
        "id",
        "type",
        "language",
        "title-short",
        "container-title-short",
        "page",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                for attr in e.attributes().flatten() {
                    if matches!(
                        attr.key.as_ref(),
                        b"variable" | b"is-numeric" | b"is-uncertain-date"
                    ) {
                        if let Ok(value) = attr.unescape_value() {
                            names.extend(value.split_whitespace().map(str::to_string));
                        }
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Work around hayagriva gaps in a style before parsing it (see
/// tests/conformance/DIFFERENCES.md):
///
/// * a `<names>` element with children but no `<name>` child renders nothing
///   in hayagriva 0.10.1 (CSL says a missing `<name>` means the default one;
///   NLM/Vancouver writes `<names variable="author"><label prefix=", "/>`):
///   insert `<name/>` as its first child;
/// * `<text variable="container-title" form="short"/>` prints the long title
///   in hayagriva 0.10.1 (its CSL-JSON reader knows `title-short` only);
///   citeproc-js prints `container-title-short` when the item has one: make
///   that a `<choose>` between the two;
/// * a shorthand `<names variable="editor"/>` nested in a `<choose>` inside
///   `<substitute>` loses the parent's `<name>`, `<et-al>` and `<label>` in
///   hayagriva 0.10.1 (it inherits them only for direct children; Chicago
///   substitutes editors that way): copy them in;
/// * `<label variable="page" plural="never"/>` prints "pp." for a range in
///   hayagriva 0.10.1 (NLM/Vancouver asks for "p. 17–40"): make it the term
///   itself with a fixed number, `<text term="page" plural="false"/>`, under
///   `<if variable="page">`.
fn patch_style(xml: &str) -> std::borrow::Cow<'_, str> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0usize;
    // Where a `<name/>` goes: after the start tag of a `<names>` without one.
    let mut inserts = Vec::new();
    // The enclosing <names> elements, innermost last: their depth, where their
    // start tag ends, whether they have a <name> child, the raw <name>,
    // <et-al> and <label> children, where an open <name> started, and the
    // depth of their open <substitute>.
    struct NamesCtx {
        depth: usize,
        start_end: usize,
        has_name: bool,
        children: Vec<String>,
        name_start: Option<usize>,
        substitute: Option<usize>,
    }
    let mut names_ctx: Vec<NamesCtx> = Vec::new();
    // (start, end, replacement) of whole tags.
    let mut replaces: Vec<(usize, usize, String)> = Vec::new();
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(0);
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        let pos = usize::try_from(reader.buffer_position()).unwrap_or(0);
        match event {
            Event::Start(e) => {
                depth += 1;
                let local = e.local_name();
                if let Some(ctx) = names_ctx.last_mut() {
                    if ctx.depth + 1 == depth {
                        match local.as_ref() {
                            b"name" => {
                                ctx.has_name = true;
                                ctx.name_start = Some(before);
                            }
                            b"substitute" => ctx.substitute = Some(depth),
                            _ => {}
                        }
                    }
                }
                if local.as_ref() == b"names" {
                    names_ctx.push(NamesCtx {
                        depth,
                        start_end: pos,
                        has_name: false,
                        children: Vec::new(),
                        name_start: None,
                        substitute: None,
                    });
                }
            }
            Event::Empty(e) => {
                let local = e.local_name();
                if let Some(ctx) = names_ctx.last_mut() {
                    ctx.has_name |= ctx.depth == depth && local.as_ref() == b"name";
                }
                if let (Some(ctx), Some(tag)) = (names_ctx.last_mut(), xml.get(before..pos)) {
                    let direct = ctx.depth == depth;
                    if direct && matches!(local.as_ref(), b"name" | b"et-al" | b"label") {
                        ctx.children.push(tag.to_string());
                    }
                    if local.as_ref() == b"names"
                        && ctx.substitute.is_some_and(|sub| depth > sub)
                        && !ctx.children.is_empty()
                    {
                        let open = tag.trim_end_matches("/>").trim_end();
                        replaces.push((
                            before,
                            pos,
                            format!("{open}>{}</names>", ctx.children.concat()),
                        ));
                    }
                }
                if e.local_name().as_ref() == b"label" {
                    let attr = |name: &[u8]| {
                        e.attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == name)
                            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                    };
                    let plural = attr(b"plural");
                    let fixed = match plural.as_deref() {
                        Some("never") => Some("false"),
                        Some("always") => Some("true"),
                        _ => None,
                    };
                    if let (Some(fixed), Some(variable), Some(tag)) =
                        (fixed, attr(b"variable"), xml.get(before..pos))
                    {
                        let simple = variable
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b == b'-');
                        if simple && variable != "locator" {
                            let text = tag
                                .replacen("<label", "<text", 1)
                                .replace(
                                    &format!("variable=\"{variable}\""),
                                    &format!("term=\"{variable}\""),
                                )
                                .replace(
                                    &format!("variable='{variable}'"),
                                    &format!("term=\"{variable}\""),
                                )
                                .replace(
                                    &format!(
                                        "plural=\"{}\"",
                                        plural.as_deref().unwrap_or_default()
                                    ),
                                    &format!("plural=\"{fixed}\""),
                                )
                                .replace(
                                    &format!("plural='{}'", plural.as_deref().unwrap_or_default()),
                                    &format!("plural=\"{fixed}\""),
                                );
                            replaces.push((
                                before,
                                pos,
                                format!("<choose><if variable=\"{variable}\">{text}</if></choose>"),
                            ));
                        }
                    }
                }
                if e.local_name().as_ref() == b"text" {
                    let attr = |name: &[u8]| {
                        e.attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == name)
                            .map(|a| a.value.into_owned())
                    };
                    if attr(b"variable").as_deref() == Some(b"container-title".as_slice())
                        && attr(b"form").as_deref() == Some(b"short".as_slice())
                    {
                        if let Some(tag) = xml.get(before..pos) {
                            let short = tag
                                .replace("form=\"short\"", "")
                                .replace("form='short'", "")
                                .replacen("container-title", "container-title-short", 1);
                            replaces.push((
                                before,
                                pos,
                                format!(
                                    "<choose><if variable=\"container-title-short\">{short}</if>\
                                     <else>{tag}</else></choose>"
                                ),
                            ));
                        }
                    }
                }
            }
            Event::End(e) => {
                if let Some(ctx) = names_ctx.last_mut() {
                    let local = e.local_name();
                    if local.as_ref() == b"name" && ctx.depth + 1 == depth {
                        if let Some(start) = ctx.name_start.take() {
                            if let Some(raw) = xml.get(start..pos) {
                                ctx.children.push(raw.to_string());
                            }
                        }
                    }
                    if local.as_ref() == b"substitute" && ctx.substitute == Some(depth) {
                        ctx.substitute = None;
                    }
                    if local.as_ref() == b"names" && ctx.depth == depth {
                        if !ctx.has_name {
                            inserts.push(ctx.start_end);
                        }
                        names_ctx.pop();
                    }
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    if inserts.is_empty() && replaces.is_empty() {
        return std::borrow::Cow::Borrowed(xml);
    }
    replaces.extend(
        inserts
            .into_iter()
            .map(|at| (at, at, "<name/>".to_string())),
    );
    replaces.sort_by_key(|r| (r.0, r.1));
    let mut out = String::with_capacity(xml.len() + replaces.len() * 64);
    let mut last = 0;
    for (start, end, text) in replaces {
        if start < last
            || end > xml.len()
            || !xml.is_char_boundary(start)
            || !xml.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&xml[last..start]);
        out.push_str(&text);
        last = end;
    }
    out.push_str(&xml[last..]);
    std::borrow::Cow::Owned(out)
}

/// Check that `xml` is well-formed, reporting the first error with its line
/// and column (citationberg's own errors carry no position).
pub(super) fn check_well_formed(
    xml: &str,
    kind: CiteErrorKind,
    what: &str,
) -> Result<(), CiteError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut saw_root = false;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(_)) => {
                depth += 1;
                saw_root = true;
            }
            Ok(Event::Empty(_)) => saw_root = true,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(_) => {}
            Err(e) => {
                let offset = usize::try_from(reader.error_position()).unwrap_or(0);
                let (line, column) = line_column(xml, offset);
                return Err(CiteError {
                    kind: kind.clone(),
                    message: format!("the {what} is not well-formed XML: {e}"),
                    position: Some(Position::at(offset, line as u32, column as u32)),
                });
            }
        }
    }
    if depth > 0 {
        let (line, column) = line_column(xml, xml.len());
        return Err(CiteError {
            kind: kind.clone(),
            message: format!("the {what} is not well-formed XML: an element is not closed"),
            position: Some(Position::at(xml.len(), line as u32, column as u32)),
        });
    }
    if !saw_root {
        return Err(CiteError::new(
            kind.clone(),
            format!("the {what} is empty: no XML element"),
        ));
    }
    Ok(())
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one() {
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("", 0), (1, 1));
    }
}
