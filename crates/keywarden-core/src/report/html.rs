//! The report as one self-contained, printable HTML document: no scripts, nothing
//! loaded, every piece of vault text escaped (`docs/reports.md`).

use std::fmt::Write as _;

use super::{
    CONFIDENTIAL, ESCROW_INTRO, InventoryEntry, NONE, ReviewReport, SIGN_OFF, due_status,
    escrow_note, severity_name,
};
use crate::clock::Timestamp;
use crate::policy::{Finding, Severity};

impl ReviewReport {
    /// The report as one HTML document (UTF-8, `<!DOCTYPE html>`), the same bytes for
    /// the same report.
    pub(crate) fn to_html(&self) -> String {
        let mut h = Html::default();
        let title = self.title();
        h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.raw(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n",
        );
        h.raw("<meta name=\"referrer\" content=\"no-referrer\">\n");
        h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(
            h.0,
            "<meta name=\"generator\" content=\"Keywarden {}\">",
            env!("CARGO_PKG_VERSION")
        );
        h.raw("<title>");
        h.text(&title);
        h.raw("</title>\n<style>\n");
        h.raw(CSS);
        h.raw("</style>\n</head>\n<body>\n");
        self.header(&mut h);
        self.summary_section(&mut h);
        self.inventory(&mut h);
        self.counts(&mut h);
        self.due_section(&mut h);
        self.findings_section(&mut h);
        self.unused_section(&mut h);
        self.escrow_section(&mut h);
        self.audit_section(&mut h);
        sign_off(&mut h);
        h.raw("</body>\n</html>\n");
        h.0
    }

    fn header(&self, h: &mut Html) {
        h.raw("<header id=\"header\">\n<h1>Key-management review</h1>\n");
        let _ = writeln!(
            h.0,
            "<p class=\"confidential\"><strong>{}</strong> {}</p>",
            CONFIDENTIAL.0, CONFIDENTIAL.1
        );
        h.raw("<table class=\"facts\">\n<tbody>\n");
        h.raw("<tr><th scope=\"row\">Generated</th><td>");
        self.when(h, self.generated_at);
        h.raw("</td></tr>\n");
        for (label, value, mono) in self.facts() {
            h.fact(label, &value, mono);
        }
        h.raw("</tbody>\n</table>\n</header>\n");
    }

    fn summary_section(&self, h: &mut Html) {
        h.section("summary", "Summary");
        h.raw("<dl class=\"summary\">\n");
        for (id, label, value) in &self.summary_rows() {
            let _ = write!(h.0, "<div><dt>");
            h.text(label);
            let _ = write!(h.0, "</dt><dd data-count=\"{id}\">");
            h.text(value);
            h.raw("</dd></div>\n");
        }
        h.raw("</dl>\n</section>\n");
    }

    fn inventory(&self, h: &mut Html) {
        h.section("inventory", "Inventory");
        if self.keys.is_empty() {
            h.raw("<p class=\"empty\">The vault holds no keys.</p>\n</section>\n");
            return;
        }
        h.raw("<table class=\"inventory\">\n<thead><tr>");
        for head in [
            "Name",
            "Algorithm",
            "Purpose",
            "State",
            "Owner",
            "Custodians",
            "Version",
            "Fingerprint",
            "Created",
            "Last rotated",
            "Next due",
        ] {
            let _ = write!(h.0, "<th scope=\"col\">{head}</th>");
        }
        h.raw("</tr></thead>\n<tbody>\n");
        for k in &self.keys {
            let r = &k.record;
            let _ = write!(h.0, "<tr data-id=\"{}\"><td>", r.id);
            h.text(&r.name);
            let _ = write!(h.0, "<br><span class=\"mono id\">{}</span></td>", r.id);
            let _ = write!(
                h.0,
                "<td>{}</td><td>{}</td><td>{}</td><td>",
                r.algorithm.id(),
                r.purpose.id(),
                r.state.id()
            );
            h.text_or_none(&r.owner);
            h.raw("</td><td>");
            h.text_or_none(&r.custodians.join(", "));
            let _ = write!(
                h.0,
                "</td><td class=\"num\">{}</td><td class=\"mono\">",
                r.current_version
            );
            h.text_or_none(r.fingerprint());
            h.raw("</td><td>");
            self.date(h, Some(r.created_at));
            h.raw("</td><td>");
            self.date(h, r.rotated_at);
            h.raw("</td><td>");
            match k.next_due {
                Some((kind, at)) => {
                    self.date(h, Some(at));
                    let _ = write!(h.0, " <span class=\"kind\">{}</span>", kind.id());
                }
                None => h.raw(NONE),
            }
            h.raw("</td></tr>\n");
        }
        h.raw("</tbody>\n</table>\n</section>\n");
    }

    fn counts(&self, h: &mut Html) {
        h.section("by-state", "Keys by state");
        count_table(
            h,
            "State",
            self.by_state().into_iter().map(|(s, n)| (s.id(), n)),
        );
        h.raw("</section>\n");
        h.section("by-purpose", "Keys by purpose");
        count_table(
            h,
            "Purpose",
            self.by_purpose().into_iter().map(|(p, n)| (p.id(), n)),
        );
        h.raw("</section>\n");
    }

    fn due_section(&self, h: &mut Html) {
        h.section("due", "Due and overdue");
        h.raw("<p>");
        h.text(&self.due_intro());
        h.raw("</p>\n");
        if self.due.is_empty() {
            h.raw(
                "<p class=\"empty\">Nothing is overdue or due within the window.</p>\n</section>\n",
            );
            return;
        }
        h.raw(
            "<table>\n<thead><tr><th scope=\"col\">Status</th><th scope=\"col\">What</th>\
             <th scope=\"col\">Due</th><th scope=\"col\">Key or kit</th><th scope=\"col\">Note</th>\
             </tr></thead>\n<tbody>\n",
        );
        for item in &self.due {
            let (overdue, status) = due_status(item.urgency);
            let class = if overdue { "overdue" } else { "soon" };
            let _ = write!(
                h.0,
                "<tr data-id=\"{}\" data-kind=\"{}\" class=\"{class}\"><td>{status}</td><td>{}</td><td>",
                item.subject,
                item.kind.id(),
                item.kind.id()
            );
            self.when(h, item.due_at);
            h.raw("</td><td>");
            h.text(&item.name);
            let _ = write!(
                h.0,
                "<br><span class=\"mono id\">{}</span></td><td>",
                item.subject
            );
            let notes = self.due_notes(item);
            if notes.is_empty() {
                h.raw(NONE);
            }
            for (i, note) in notes.iter().enumerate() {
                if i > 0 {
                    h.raw("<br>");
                }
                h.text(note);
            }
            h.raw("</td></tr>\n");
        }
        h.raw("</tbody>\n</table>\n</section>\n");
    }

    fn findings_section(&self, h: &mut Html) {
        h.section("findings", "Policy violations and warnings");
        let flagged: Vec<&InventoryEntry> = self
            .keys
            .iter()
            .filter(|k| !k.findings.is_empty())
            .collect();
        if flagged.is_empty() {
            h.raw(
                "<p class=\"empty\">No key breaks the policy or has a warning.</p>\n</section>\n",
            );
            return;
        }
        h.raw(
            "<table>\n<thead><tr><th scope=\"col\">Key</th><th scope=\"col\">Severity</th>\
             <th scope=\"col\">Code</th><th scope=\"col\">Finding</th></tr></thead>\n<tbody>\n",
        );
        for k in flagged {
            let mut findings: Vec<&Finding> = k.findings.iter().collect();
            findings.sort_by_key(|f| f.severity == Severity::Warning);
            for f in findings {
                let severity = severity_name(f.severity);
                let _ = write!(
                    h.0,
                    "<tr data-id=\"{}\" class=\"{severity}\"><td>",
                    k.record.id
                );
                h.text(&k.record.name);
                let _ = write!(h.0, "</td><td>{severity}</td><td class=\"mono\">");
                h.text(f.code);
                h.raw("</td><td>");
                h.text(&f.message);
                h.raw("</td></tr>\n");
            }
        }
        h.raw("</tbody>\n</table>\n</section>\n");
    }

    fn unused_section(&self, h: &mut Html) {
        h.section("unused", "Unused keys");
        h.raw("<p>");
        h.text(&self.unused_intro());
        h.raw("</p>\n");
        if self.unused.is_empty() {
            h.raw("<p class=\"empty\">No key is unused for that long.</p>\n</section>\n");
            return;
        }
        h.raw(
            "<table>\n<thead><tr><th scope=\"col\">Key</th><th scope=\"col\">State</th>\
             <th scope=\"col\">Owner</th><th scope=\"col\">Last used</th></tr></thead>\n<tbody>\n",
        );
        for u in &self.unused {
            let _ = write!(h.0, "<tr data-id=\"{}\"><td>", u.id);
            h.text(&u.name);
            let _ = write!(h.0, "</td><td>{}</td><td>", u.state.id());
            h.text_or_none(&u.owner);
            h.raw("</td><td>");
            self.date(h, Some(u.last_used_at));
            h.raw("</td></tr>\n");
        }
        h.raw("</tbody>\n</table>\n</section>\n");
    }

    fn escrow_section(&self, h: &mut Html) {
        h.section("escrow", "Escrow coverage");
        let _ = writeln!(h.0, "<p>{ESCROW_INTRO}</p>");
        match &self.vault_kit {
            Some(kit) => {
                let _ = write!(
                    h.0,
                    "<p data-vault-kit=\"{}\">Vault recovery kit: {}, generation {}, made ",
                    kit.id, kit.id, kit.generation
                );
                self.date(h, Some(kit.made_at));
                h.raw(", last drilled ");
                self.date(h, kit.last_drill);
                h.raw(".</p>\n");
            }
            None => h.raw(
                "<p data-vault-kit=\"\">Vault recovery kit: <strong>none</strong>. A lost \
                 passphrase or key file loses the whole vault.</p>\n",
            ),
        }
        if self.escrow.is_empty() {
            h.raw("<p class=\"empty\">No key is in use.</p>\n</section>\n");
            return;
        }
        h.raw(
            "<table>\n<thead><tr><th scope=\"col\">Key</th><th scope=\"col\">State</th>\
             <th scope=\"col\">Current kits</th><th scope=\"col\">Note</th></tr></thead>\n\
             <tbody>\n",
        );
        for e in &self.escrow {
            let _ = write!(
                h.0,
                "<tr data-id=\"{}\" data-kits=\"{}\"><td>",
                e.id,
                e.current.len()
            );
            h.text(&e.name);
            let _ = write!(h.0, "</td><td>{}</td><td>", e.state.id());
            let current: Vec<String> = e.current.iter().map(ToString::to_string).collect();
            h.text_or_none(&current.join(", "));
            h.raw("</td><td>");
            if let Some((bold, rest)) = escrow_note(e) {
                h.raw("<strong>");
                h.text(&bold);
                h.raw("</strong>");
                h.text(&rest);
            }
            h.raw("</td></tr>\n");
        }
        h.raw("</tbody>\n</table>\n</section>\n");
    }

    fn audit_section(&self, h: &mut Html) {
        h.section("audit", "Audit log");
        let (intact, lead, rest) = self.audit_status();
        if intact {
            let _ = writeln!(
                h.0,
                "<p class=\"intact\" data-intact=\"true\">{lead} {rest}</p>"
            );
        } else {
            let _ = writeln!(
                h.0,
                "<p class=\"tampered\" data-intact=\"false\"><strong>{lead}</strong> {rest}</p>\n<ul>"
            );
            for p in &self.audit.problems {
                h.raw("<li>");
                h.text(&p.to_string());
                h.raw("</li>\n");
            }
            h.raw("</ul>\n");
        }
        h.raw("</section>\n");
    }

    /// A date and time in the report's zone, with the instant in UTC for machines.
    fn when(&self, h: &mut Html, t: Timestamp) {
        let _ = write!(h.0, "<time datetime=\"{t:.0}\">");
        h.text(&self.local_time(t));
        h.raw("</time>");
    }

    /// A day in the report's zone, or a dash.
    fn date(&self, h: &mut Html, t: Option<Timestamp>) {
        match t {
            Some(t) => {
                let _ = write!(h.0, "<time datetime=\"{t:.0}\">{}</time>", self.day(t));
            }
            None => h.raw(NONE),
        }
    }
}

/// The report's style: system fonts only, and print rules that fit A4 (210 mm) and US
/// Letter (216 mm) alike: the page size is left to the printer, the margins fit both.
const CSS: &str = "\
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 10pt/1.35 system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, sans-serif;
  color: #111; background: #fff; margin: 1.5em auto; max-width: 75em; padding: 0 1em; }
h1 { font-size: 17pt; margin: 0 0 .3em; }
h2 { font-size: 12.5pt; margin: 1.3em 0 .4em; padding-bottom: .1em; border-bottom: 1px solid #888;
  break-after: avoid; page-break-after: avoid; }
p { margin: .3em 0 .6em; }
table { border-collapse: collapse; width: 100%; margin: .3em 0 .8em; }
th, td { border: 1px solid #aaa; padding: .2em .35em; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: 600; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.facts { width: auto; }
table.facts th { width: 11em; }
table.counts { width: auto; min-width: 18em; }
.num { text-align: right; }
.mono { font-family: ui-monospace, \"SFMono-Regular\", Menlo, Consolas, \"Liberation Mono\", monospace;
  font-size: .88em; overflow-wrap: anywhere; word-break: break-all; }
.id { color: #444; }
.kind { color: #444; font-size: .9em; }
.inventory { font-size: .92em; }
.confidential { border: 1.5pt solid #111; padding: .35em .5em; }
.overdue td:first-child, .violation td:nth-child(2), .tampered { font-weight: 700; }
.empty { font-style: italic; color: #444; }
dl.summary { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: .3em 1em; margin: .3em 0; }
dl.summary div { border: 1px solid #aaa; padding: .25em .45em; }
dl.summary dt { font-size: .9em; color: #333; }
dl.summary dd { margin: 0; font-size: 13pt; font-weight: 700; }
.sign-off td { height: 2.2em; }
.sign-off td.tall { height: 7em; }
@page { margin: 14mm 12mm 16mm 12mm; }
@media print {
  body { margin: 0; padding: 0; max-width: none; font-size: 8.5pt; }
  .inventory { font-size: 7.5pt; }
  th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section { break-inside: auto; }
  #sign-off { break-inside: avoid; page-break-inside: avoid; }
}
";

/// The document being written.
#[derive(Default)]
struct Html(String);

impl Html {
    /// Markup written by this module, never vault text.
    fn raw(&mut self, markup: &str) {
        self.0.push_str(markup);
    }

    /// Text, escaped.
    fn text(&mut self, text: &str) {
        self.0.push_str(&escape(text));
    }

    /// Text, escaped, or a dash when empty.
    fn text_or_none(&mut self, text: &str) {
        if text.trim().is_empty() {
            self.raw(NONE);
        } else {
            self.text(text);
        }
    }

    /// A header fact: a row of the table at the top.
    fn fact(&mut self, label: &str, value: &str, mono: bool) {
        let _ = write!(self.0, "<tr><th scope=\"row\">{label}</th><td");
        self.raw(if mono { " class=\"mono\">" } else { ">" });
        self.text_or_none(value);
        self.raw("</td></tr>\n");
    }

    /// Opens a section with its heading; the caller closes it.
    fn section(&mut self, id: &str, title: &str) {
        let _ = writeln!(self.0, "<section id=\"{id}\">\n<h2>{title}</h2>");
    }
}

/// Lines for the review's signatures, at the end of the printout.
fn sign_off(h: &mut Html) {
    h.raw("<section id=\"sign-off\">\n<h2>Review</h2>\n<table class=\"sign-off\">\n<tbody>\n");
    for (label, lines) in SIGN_OFF {
        let class = if lines > 1 { " class=\"tall\"" } else { "" };
        let _ = writeln!(
            h.0,
            "<tr><th scope=\"row\">{label}</th><td{class}></td></tr>"
        );
    }
    h.raw("</tbody>\n</table>\n</section>\n");
}

/// A two-column table of counts.
fn count_table<'a>(h: &mut Html, what: &str, rows: impl Iterator<Item = (&'a str, usize)>) {
    let _ = write!(
        h.0,
        "<table class=\"counts\">\n<thead><tr><th scope=\"col\">{what}</th>\
         <th scope=\"col\" class=\"num\">Keys</th></tr></thead>\n<tbody>\n"
    );
    for (id, n) in rows {
        let _ = writeln!(
            h.0,
            "<tr data-{}=\"{id}\"><td>{id}</td><td class=\"num\">{n}</td></tr>",
            what.to_lowercase()
        );
    }
    h.raw("</tbody>\n</table>\n");
}

/// Vault text for HTML text and attribute values: `& < > " '` as character references;
/// control characters other than line breaks and tabs, Unicode noncharacters and the
/// bidirectional formatting characters (which could reorder what is shown) as visible
/// `\u{…}` escapes.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() || is_bidi_control(c) || is_noncharacter(c) => {
                let _ = write!(out, "{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out
}

/// The characters of Unicode's bidirectional algorithm that change the order text is
/// shown in (embeddings, overrides, isolates and marks).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Unicode noncharacters, which HTML parsers report as errors.
fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xfdd0..=0xfdef).contains(&n) || n & 0xfffe == 0xfffe
}
