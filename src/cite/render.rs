//! The rendered elements written as plain text, escaped HTML and Markdown.

use hayagriva::citationberg::{FontStyle, FontVariant, FontWeight, TextDecoration, VerticalAlign};
use hayagriva::{ElemChild, ElemChildren, Formatted, Formatting};

use super::Output;

/// Plain text on one line: block elements become spaces.
pub(super) fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').filter(|l| !l.trim().is_empty()).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(line.trim());
    }
    out
}

pub(super) fn render_children(children: &ElemChildren, out: Output) -> String {
    let mut buf = String::new();
    for child in &children.0 {
        write_child(&mut buf, child, out);
    }
    buf
}

pub(super) fn render_child_string(child: &ElemChild, out: Output) -> String {
    let mut buf = String::new();
    write_child(&mut buf, child, out);
    buf
}

fn write_child(buf: &mut String, child: &ElemChild, out: Output) {
    match child {
        ElemChild::Text(t) => write_formatted(buf, t, out),
        ElemChild::Elem(e) => {
            let block = out != Output::Html
                && matches!(e.display, Some(hayagriva::citationberg::Display::Block));
            if block {
                buf.push('\n');
            }
            for c in &e.children.0 {
                write_child(buf, c, out);
            }
            if block {
                buf.push('\n');
            }
        }
        ElemChild::Markup(m) => write_formatted(
            buf,
            &Formatted {
                text: m.clone(),
                formatting: Formatting::default(),
            },
            out,
        ),
        ElemChild::Link { text, url } => match out {
            Output::Html if is_safe_url(url) => {
                buf.push_str("<a href=\"");
                escape_html(buf, url);
                buf.push_str("\">");
                write_formatted(buf, text, out);
                buf.push_str("</a>");
            }
            Output::Markdown if is_safe_url(url) => {
                let mut inner = String::new();
                write_formatted(&mut inner, text, out);
                buf.push('[');
                buf.push_str(&inner);
                buf.push_str("](");
                buf.push_str(
                    &url.replace('(', "%28")
                        .replace(')', "%29")
                        .replace(' ', "%20"),
                );
                buf.push(')');
            }
            _ => write_formatted(buf, text, out),
        },
        ElemChild::Transparent { .. } => {}
    }
}

/// Only web links and DOIs become links; anything else (`javascript:`, `data:`)
/// is printed as text.
fn is_safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn write_formatted(buf: &mut String, t: &Formatted, out: Output) {
    if t.text.is_empty() {
        return;
    }
    let f = &t.formatting;
    match out {
        Output::Text => buf.push_str(&t.text),
        Output::Html => {
            // Opened in this order, closed in the reverse.
            let tags = [
                (f.font_style == FontStyle::Italic, "<i>", "</i>"),
                (f.font_weight == FontWeight::Bold, "<b>", "</b>"),
                (
                    f.font_variant == FontVariant::SmallCaps,
                    "<span style=\"font-variant:small-caps;\">",
                    "</span>",
                ),
                (
                    f.text_decoration == TextDecoration::Underline,
                    "<u>",
                    "</u>",
                ),
                (f.vertical_align == VerticalAlign::Sup, "<sup>", "</sup>"),
                (f.vertical_align == VerticalAlign::Sub, "<sub>", "</sub>"),
            ];
            let on = || tags.iter().filter(|(on, ..)| *on);
            for (_, open, _) in on() {
                buf.push_str(open);
            }
            escape_html(buf, &t.text);
            for (_, _, close) in on().rev() {
                buf.push_str(close);
            }
        }
        Output::Markdown => {
            let (lead, core, trail) = split_ws(&t.text);
            buf.push_str(lead);
            let mut marks = "";
            if f.font_weight == FontWeight::Bold && f.font_style == FontStyle::Italic {
                marks = "***";
            } else if f.font_weight == FontWeight::Bold {
                marks = "**";
            } else if f.font_style == FontStyle::Italic {
                marks = "*";
            }
            if !core.is_empty() {
                buf.push_str(marks);
                escape_markdown(buf, core);
                buf.push_str(marks);
            }
            buf.push_str(trail);
        }
    }
}

/// Markdown emphasis must not start or end with a space.
fn split_ws(s: &str) -> (&str, &str, &str) {
    let trimmed_start = s.trim_start();
    let lead = &s[..s.len() - trimmed_start.len()];
    let core = trimmed_start.trim_end();
    let trail = &trimmed_start[core.len()..];
    (lead, core, trail)
}

fn escape_html(buf: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => buf.push_str("&amp;"),
            '<' => buf.push_str("&lt;"),
            '>' => buf.push_str("&gt;"),
            '"' => buf.push_str("&quot;"),
            '\'' => buf.push_str("&#39;"),
            c => buf.push(c),
        }
    }
}

fn escape_markdown(buf: &mut String, s: &str) {
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '[' | ']' | '`' | '<' | '>' | '#' | '|'
        ) {
            buf.push('\\');
        }
        buf.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_emphasis_hugs_words() {
        assert_eq!(split_ws(" a b "), (" ", "a b", " "));
    }
}
