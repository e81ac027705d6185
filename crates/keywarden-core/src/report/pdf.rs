//! The report as a PDF document on A4 or Letter, laid out with [`crate::print`] like the
//! recovery kits: the same sections, in the same order and words, as the HTML.
//!
//! Text is set in the standard PDF fonts with WinAnsiEncoding: letters outside Latin-1
//! and WinAnsi's extras print as `?`, as do control and bidirectional formatting
//! characters, so vault text cannot reorder what a page shows. A PDF holds no scripts,
//! links or forms here; it is drawn text and lines only.

use super::{
    CONFIDENTIAL, ESCROW_INTRO, InventoryEntry, NONE, ReviewReport, SIGN_OFF, due_status,
    escrow_note, severity_name,
};
use crate::clock::Timestamp;
use crate::policy::{Finding, Severity};
use crate::print::canvas::Canvas;
use crate::print::font::{BODY, BODY_BOLD, Font, HEADING, MONO, Style, TITLE, VALUE, wrap};
use crate::print::layout::{self, Layout};
use crate::print::table::{Cell, Column, table};
use crate::print::{self, Paper, TooManyPages};

/// A table cell's text.
const CELL: Style = Style::new(Font::Sans, 7.5, 9.5);
/// A cell's text in bold: what is overdue, a violation.
const CELL_BOLD: Style = Style::new(Font::SansBold, 7.5, 9.5);
/// Ids under a name, in a lighter gray.
const CELL_ID: Style = Style::new(Font::Mono, 6.5, 8.5).gray(0.35);
/// Fingerprints and finding codes.
const CELL_CODE: Style = Style::new(Font::Mono, 6.5, 8.5);
/// The width of the header's and summary's labels, in points.
const LABEL_WIDTH: f32 = 120.0;

impl ReviewReport {
    /// The report as one PDF document on `paper`, the same bytes for the same report.
    ///
    /// # Errors
    /// [`TooManyPages`], which no vault comes near.
    pub(crate) fn to_pdf(&self, paper: Paper) -> Result<Vec<u8>, TooManyPages> {
        let mut l = Layout::new(paper, false);
        header(&mut l, self);
        summary(&mut l, self);
        inventory(&mut l, self);
        counts(&mut l, self);
        due(&mut l, self);
        findings(&mut l, self);
        unused(&mut l, self);
        escrow(&mut l, self);
        audit(&mut l, self);
        sign_off(&mut l);
        let mut pages = l.finish();
        let count = pages.len();
        for (i, page) in pages.iter_mut().enumerate() {
            footer(page, paper, self, i + 1, count);
        }
        let pages: Vec<Vec<u8>> = pages.into_iter().map(Canvas::into_pdf).collect();
        let pages: Vec<&[u8]> = pages.iter().map(Vec::as_slice).collect();
        print::document(&pages, paper, &self.title())
    }

    /// A day in the report's zone, or a dash.
    fn pdf_day(&self, t: Option<Timestamp>) -> String {
        t.map_or_else(|| NONE.to_owned(), |t| self.day(t))
    }
}

/// Vault text as a cell shows it: a dash when empty.
fn or_none(text: &str) -> String {
    if text.trim().is_empty() {
        NONE.to_owned()
    } else {
        text.to_owned()
    }
}

fn cell(style: Style, text: impl Into<String>) -> Cell {
    vec![(style, text.into())]
}

fn columns<'a>(spec: &[(&'a str, f32)]) -> Vec<Column<'a>> {
    spec.iter()
        .map(|(title, share)| Column {
            title,
            share: *share,
        })
        .collect()
}

/// A section's heading, kept with what follows it.
fn section(l: &mut Layout, title: &str) {
    l.space(4.0);
    l.heading(title, 40.0);
}

/// What a section says when it has nothing to list.
fn empty(l: &mut Layout, text: &str) {
    l.paragraph(BODY.gray(0.3), 0.0, text);
}

fn header(l: &mut Layout, r: &ReviewReport) {
    let x = l.left();
    l.line(TITLE, x, "Key-management review");
    l.space(4.0);
    // The notice, in a ruled box.
    let (lead, text) = CONFIDENTIAL;
    let height = BODY_BOLD.leading + l.paragraph_height(BODY, 12.0, text) + 8.0;
    l.ensure(height);
    let (left, width, top) = (l.left(), l.measure(), l.y);
    l.page
        .set_stroke_gray(0.0)
        .set_line_width(1.2)
        .rect(left, top - height, width, height)
        .stroke();
    l.y -= 4.0;
    l.line(BODY_BOLD, left + 6.0, lead);
    for line in wrap(BODY, text, width - 12.0) {
        l.line(BODY, left + 6.0, &line);
    }
    l.y = top - height;
    l.space(8.0);
    let generated = format!("{} ({:.0})", r.local_time(r.generated_at), r.generated_at);
    l.labelled(0.0, LABEL_WIDTH, "Generated", VALUE, &generated);
    for (label, value, mono) in r.facts() {
        let style = if mono { MONO } else { VALUE };
        l.labelled(0.0, LABEL_WIDTH, label, style, &or_none(&value));
    }
}

fn summary(l: &mut Layout, r: &ReviewReport) {
    section(l, "Summary");
    let rows = r.summary_rows();
    for pair in rows.chunks(2) {
        let cells: Vec<(&str, Style, &str)> = pair
            .iter()
            .map(|(_, label, value)| (label.as_str(), VALUE, value.as_str()))
            .collect();
        l.row(0.0, LABEL_WIDTH, &cells);
        l.space(1.0);
    }
}

fn inventory(l: &mut Layout, r: &ReviewReport) {
    section(l, "Inventory");
    if r.keys.is_empty() {
        return empty(l, "The vault holds no keys.");
    }
    let rows: Vec<Vec<Cell>> = r
        .keys
        .iter()
        .map(|k| {
            let rec = &k.record;
            let mut holder = cell(CELL, or_none(&rec.owner));
            if !rec.custodians.is_empty() {
                holder.push((CELL_ID, rec.custodians.join(", ")));
            }
            let next = match k.next_due {
                Some((kind, at)) => vec![(CELL, r.day(at)), (CELL_ID, kind.id().to_owned())],
                None => cell(CELL, NONE),
            };
            vec![
                vec![(CELL, rec.name.clone()), (CELL_ID, rec.id.to_string())],
                vec![
                    (CELL, rec.algorithm.id().to_owned()),
                    (CELL_ID, rec.purpose.id().to_owned()),
                ],
                cell(CELL, rec.state.id()),
                holder,
                cell(CELL, rec.current_version.to_string()),
                cell(CELL_CODE, or_none(rec.fingerprint())),
                vec![
                    (CELL, r.day(rec.created_at)),
                    (CELL_ID, format!("rotated {}", r.pdf_day(rec.rotated_at))),
                ],
                next,
            ]
        })
        .collect();
    let spec = [
        ("Name", 0.17),
        ("Algorithm, purpose", 0.15),
        ("State", 0.12),
        ("Owner, custodians", 0.13),
        ("Ver.", 0.045),
        ("Fingerprint", 0.14),
        ("Created, rotated", 0.11),
        ("Next due", 0.11),
    ];
    table(l, &columns(&spec), &rows);
}

fn counts(l: &mut Layout, r: &ReviewReport) {
    section(l, "Keys by state");
    let rows: Vec<Vec<Cell>> = r
        .by_state()
        .into_iter()
        .map(|(s, n)| vec![cell(CELL, s.id()), cell(CELL, n.to_string())])
        .collect();
    table(l, &columns(&[("State", 0.3), ("Keys", 0.1)]), &rows);
    section(l, "Keys by purpose");
    let rows: Vec<Vec<Cell>> = r
        .by_purpose()
        .into_iter()
        .map(|(p, n)| vec![cell(CELL, p.id()), cell(CELL, n.to_string())])
        .collect();
    table(l, &columns(&[("Purpose", 0.3), ("Keys", 0.1)]), &rows);
}

fn due(l: &mut Layout, r: &ReviewReport) {
    section(l, "Due and overdue");
    l.paragraph(BODY, 0.0, &r.due_intro());
    if r.due.is_empty() {
        return empty(l, "Nothing is overdue or due within the window.");
    }
    let rows: Vec<Vec<Cell>> = r
        .due
        .iter()
        .map(|item| {
            let (overdue, status) = due_status(item.urgency);
            let notes = r.due_notes(item);
            vec![
                cell(if overdue { CELL_BOLD } else { CELL }, status),
                cell(CELL, item.kind.id()),
                cell(CELL, r.local_time(item.due_at)),
                vec![
                    (CELL, item.name.clone()),
                    (CELL_ID, item.subject.to_string()),
                ],
                if notes.is_empty() {
                    cell(CELL, NONE)
                } else {
                    notes.into_iter().map(|n| (CELL, n)).collect()
                },
            ]
        })
        .collect();
    let spec = [
        ("Status", 0.17),
        ("What", 0.1),
        ("Due", 0.15),
        ("Key or kit", 0.23),
        ("Note", 0.35),
    ];
    table(l, &columns(&spec), &rows);
}

fn findings(l: &mut Layout, r: &ReviewReport) {
    section(l, "Policy violations and warnings");
    let flagged: Vec<&InventoryEntry> = r.keys.iter().filter(|k| !k.findings.is_empty()).collect();
    if flagged.is_empty() {
        return empty(l, "No key breaks the policy or has a warning.");
    }
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for k in flagged {
        let mut findings: Vec<&Finding> = k.findings.iter().collect();
        findings.sort_by_key(|f| f.severity == Severity::Warning);
        for f in findings {
            let strong = if f.severity == Severity::Violation {
                CELL_BOLD
            } else {
                CELL
            };
            rows.push(vec![
                cell(CELL, k.record.name.clone()),
                cell(strong, severity_name(f.severity)),
                cell(CELL_CODE, f.code),
                cell(CELL, f.message.clone()),
            ]);
        }
    }
    let spec = [
        ("Key", 0.22),
        ("Severity", 0.1),
        ("Code", 0.2),
        ("Finding", 0.48),
    ];
    table(l, &columns(&spec), &rows);
}

fn unused(l: &mut Layout, r: &ReviewReport) {
    section(l, "Unused keys");
    l.paragraph(BODY, 0.0, &r.unused_intro());
    if r.unused.is_empty() {
        return empty(l, "No key is unused for that long.");
    }
    let rows: Vec<Vec<Cell>> = r
        .unused
        .iter()
        .map(|u| {
            vec![
                vec![(CELL, u.name.clone()), (CELL_ID, u.id.to_string())],
                cell(CELL, u.state.id()),
                cell(CELL, or_none(&u.owner)),
                cell(CELL, r.day(u.last_used_at)),
            ]
        })
        .collect();
    let spec = [
        ("Key", 0.4),
        ("State", 0.15),
        ("Owner", 0.25),
        ("Last used", 0.2),
    ];
    table(l, &columns(&spec), &rows);
}

fn escrow(l: &mut Layout, r: &ReviewReport) {
    section(l, "Escrow coverage");
    l.paragraph(BODY, 0.0, ESCROW_INTRO);
    l.space(3.0);
    match &r.vault_kit {
        Some(kit) => l.paragraph(
            BODY,
            0.0,
            &format!(
                "Vault recovery kit: {}, generation {}, made {}, last drilled {}.",
                kit.id,
                kit.generation,
                r.day(kit.made_at),
                r.pdf_day(kit.last_drill)
            ),
        ),
        None => l.paragraph(
            BODY_BOLD,
            0.0,
            "Vault recovery kit: none. A lost passphrase or key file loses the whole vault.",
        ),
    }
    if r.escrow.is_empty() {
        return empty(l, "No key is in use.");
    }
    let rows: Vec<Vec<Cell>> = r
        .escrow
        .iter()
        .map(|e| {
            let current: Vec<String> = e.current.iter().map(ToString::to_string).collect();
            let note = match escrow_note(e) {
                Some((bold, rest)) => vec![(CELL_BOLD, bold), (CELL, rest)],
                None => Vec::new(),
            };
            vec![
                cell(CELL, e.name.clone()),
                cell(CELL, e.state.id()),
                cell(CELL, or_none(&current.join(", "))),
                note.into_iter().filter(|(_, t)| !t.is_empty()).collect(),
            ]
        })
        .collect();
    let spec = [
        ("Key", 0.3),
        ("State", 0.13),
        ("Current kits", 0.22),
        ("Note", 0.35),
    ];
    table(l, &columns(&spec), &rows);
}

fn audit(l: &mut Layout, r: &ReviewReport) {
    section(l, "Audit log");
    let (intact, lead, rest) = r.audit_status();
    let style = if intact { BODY } else { BODY_BOLD };
    l.paragraph(style, 0.0, &format!("{lead} {rest}"));
    for p in &r.audit.problems {
        l.paragraph(BODY, 12.0, &format!("• {p}"));
    }
}

fn sign_off(l: &mut Layout) {
    /// The room for one handwritten line, in points.
    const LINE: f32 = 22.0;
    let height: f32 = SIGN_OFF.iter().map(|(_, n)| f32::from(*n) * LINE).sum();
    l.space(8.0);
    l.ensure(HEADING.leading + 10.0 + height);
    section(l, "Review");
    for (label, lines) in SIGN_OFF {
        let top = l.y;
        let x = l.left();
        l.y = top - LINE + BODY.leading;
        l.put(BODY, x, label);
        let (start, end) = (l.left() + LABEL_WIDTH, l.right());
        for n in 1..=lines {
            let y = top - f32::from(n) * LINE + 3.0;
            l.page
                .set_stroke_gray(0.4)
                .set_line_width(0.5)
                .move_to(start, y)
                .line_to(end, y)
                .stroke();
        }
        l.y = top - f32::from(lines) * LINE;
    }
}

/// The footer of one page: what the report is, of which vault and day, and the page.
fn footer(page: &mut Canvas, paper: Paper, r: &ReviewReport, number: usize, count: usize) {
    let about = format!("Confidential · {}", r.title());
    layout::footer(page, paper, &about, number, count);
}
