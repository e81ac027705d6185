//! Text on printed pages: the four standard PDF fonts (Helvetica and Courier, not
//! embedded, so any PDF reader shows them) with WinAnsiEncoding, their advance widths, the
//! styles text is set in, and wrapping and cutting lines to a width.

use pdf_writer::Name;
use zeroize::Zeroizing;

use super::canvas::Canvas;

/// The four standard fonts printed pages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    Sans = 0,
    SansBold = 1,
    Mono = 2,
    MonoBold = 3,
}

impl Font {
    pub(crate) const ALL: [Font; 4] = [Font::Sans, Font::SansBold, Font::Mono, Font::MonoBold];

    /// The font's name in page resources.
    pub(crate) fn resource(self) -> Name<'static> {
        Name(match self {
            Font::Sans => b"F1",
            Font::SansBold => b"F2",
            Font::Mono => b"F3",
            Font::MonoBold => b"F4",
        })
    }

    /// The font as SVG attributes: the standard font, or the nearest one a browser has.
    pub(crate) fn svg(self) -> &'static str {
        match self {
            Font::Sans => "font-family=\"Helvetica, Arial, sans-serif\"",
            Font::SansBold => "font-family=\"Helvetica, Arial, sans-serif\" font-weight=\"bold\"",
            Font::Mono => "font-family=\"Courier, 'Courier New', monospace\"",
            Font::MonoBold => {
                "font-family=\"Courier, 'Courier New', monospace\" font-weight=\"bold\""
            }
        }
    }

    /// The standard font's PostScript name.
    pub(crate) fn base(self) -> Name<'static> {
        Name(match self {
            Font::Sans => b"Helvetica",
            Font::SansBold => b"Helvetica-Bold",
            Font::Mono => b"Courier",
            Font::MonoBold => b"Courier-Bold",
        })
    }

    /// The advance width of one WinAnsi byte, in thousandths of an em.
    fn advance(self, byte: u8) -> u16 {
        let table = match self {
            Font::Mono | Font::MonoBold => return 600,
            Font::Sans => &HELVETICA,
            Font::SansBold => &HELVETICA_BOLD,
        };
        let bold = self == Font::SansBold;
        match byte {
            32..=126 => table[usize::from(byte - 32)],
            0x91 | 0x92 => {
                if bold {
                    278
                } else {
                    222
                }
            }
            0x95 => 350,
            0x96 => 556,
            0x97 | 0x85 => 1000,
            0xB7 => 278,
            // Other letters: a generous width, so that wrapping errs on the safe side.
            _ => 722,
        }
    }
}

/// Helvetica's advance widths of ASCII 32–126 (Adobe's AFM, WinAnsi's quotesingle and
/// grave at 39 and 96).
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Helvetica-Bold's advance widths of ASCII 32–126.
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// Text as WinAnsiEncoding bytes, the encoding of the standard fonts.
///
/// ASCII and Latin-1 (U+00A0–U+00FF) map to themselves, and the typographic extras of
/// WinAnsi (dashes, curly quotes, `…`, `•`, `€`, `™`, Œ, Š, Ž, Ÿ and their small forms) to
/// their codes. Anything else, including control characters and every non-Latin
/// script, prints as `?`: a key or custodian named in Greek or Chinese shows as question
/// marks on the sheet. The machine-readable parts (QR codes and typed lines) are
/// ASCII, and the recovery document inside keeps every name exactly.
pub(crate) fn winansi(text: &str) -> Vec<u8> {
    text.chars().map(winansi_byte).collect()
}

/// `text` with each character WinAnsi lacks as `?`: what the PDF shows, for the SVG.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if winansi_byte(c) == b'?' { '?' } else { c })
        .collect()
}

/// One character's WinAnsi code, `?` when it has none.
fn winansi_byte(c: char) -> u8 {
    match c {
        ' '..='~' | '\u{A0}'..='\u{FF}' => u8::try_from(u32::from(c)).unwrap_or(b'?'),
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => b'?',
    }
}

/// How text is set: font, size, gray level (0 black) and line height, in points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub(crate) font: Font,
    pub(crate) size: f32,
    pub(crate) gray: f32,
    pub(crate) leading: f32,
}

impl Style {
    pub(crate) const fn new(font: Font, size: f32, leading: f32) -> Style {
        Style {
            font,
            size,
            gray: 0.0,
            leading,
        }
    }

    pub(crate) const fn gray(self, gray: f32) -> Style {
        Style { gray, ..self }
    }

    /// The width of `text`, in points.
    pub(crate) fn width(self, text: &str) -> f32 {
        let units: u32 = winansi(text)
            .iter()
            .map(|b| u32::from(self.font.advance(*b)))
            .sum();
        units as f32 * self.size / 1000.0
    }
}

pub(crate) const TITLE: Style = Style::new(Font::SansBold, 20.0, 26.0);
pub(crate) const HEADING: Style = Style::new(Font::SansBold, 11.5, 17.0);
pub(crate) const BODY: Style = Style::new(Font::Sans, 9.5, 13.0);
pub(crate) const BODY_BOLD: Style = Style::new(Font::SansBold, 9.5, 13.0);
pub(crate) const LABEL: Style = Style::new(Font::Sans, 8.5, 12.0).gray(0.35);
pub(crate) const VALUE: Style = Style::new(Font::SansBold, 9.5, 12.0);
pub(crate) const MONO: Style = Style::new(Font::Mono, 8.5, 11.0);
pub(crate) const COMMAND: Style = Style::new(Font::Mono, 8.5, 11.0);
pub(crate) const CAPTION: Style = Style::new(Font::Sans, 8.0, 10.5).gray(0.3);
pub(crate) const FOOTER: Style = Style::new(Font::Sans, 8.0, 10.0).gray(0.35);

/// `text` in lines no wider than `max` points: words are kept whole when they fit a
/// line, and broken between characters when they do not (long fingerprints).
pub(crate) fn wrap(style: Style, text: &str, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let joined = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if style.width(&joined) <= max {
            current = joined;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        for c in word.chars() {
            current.push(c);
            if style.width(&current) > max && current.chars().count() > 1 {
                current.pop();
                lines.push(std::mem::take(&mut current));
                current.push(c);
            }
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// `text` cut to `max` points, ending in `…` when it was cut.
pub(crate) fn fit(style: Style, text: &str, max: f32) -> String {
    if style.width(text) <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if style.width(&format!("{out}…")) > max {
            out.pop();
            break;
        }
    }
    format!("{}…", out.trim_end())
}

/// Sets one line of text with its baseline at `(x, baseline)`.
pub(crate) fn show(content: &mut Canvas, style: Style, x: f32, baseline: f32, text: &str) {
    let bytes = Zeroizing::new(winansi(text));
    let shown = Zeroizing::new(printable(text));
    content
        .set_fill_gray(style.gray)
        .text(
            (style.font.resource(), style.font.svg()),
            style.size,
            (x, baseline),
            &bytes,
            &shown,
        )
        .set_fill_gray(0.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winansi_maps_latin1_and_the_extras_and_nothing_else() {
        assert_eq!(winansi("Az09 ~"), b"Az09 ~");
        assert_eq!(winansi("é ß ÿ\u{A0}"), [0xE9, b' ', 0xDF, b' ', 0xFF, 0xA0]);
        assert_eq!(winansi("—–·’…€"), [0x97, 0x96, 0xB7, 0x92, 0x85, 0x80]);
        assert_eq!(winansi("Ωκ中\n\t\u{7F}\u{80}"), b"???????");
        assert_eq!(winansi("Ž ž Ÿ"), [0x8E, b' ', 0x9E, b' ', 0x9F]);
    }

    #[test]
    fn wrapped_lines_fit_and_keep_every_character() {
        let text = "spki-sha256 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef \
                    and some words";
        for style in [BODY, BODY_BOLD, MONO, HEADING] {
            let lines = wrap(style, text, 120.0);
            assert!(lines.len() > 2);
            assert!(lines.iter().all(|l| style.width(l) <= 120.0), "{lines:?}");
            let joined: String = lines.concat();
            assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
        }
        assert_eq!(wrap(BODY, "", 100.0), vec![String::new()]);
        // Courier is 0.6 em a character; Helvetica's W is 0.944 em.
        assert!((MONO.width("abcde") - 5.0 * 0.6 * MONO.size).abs() < 1e-3);
        assert!((BODY.width("W") - 0.944 * BODY.size).abs() < 1e-3);
        let cut = fit(FOOTER, &"x".repeat(500), 100.0);
        assert!(FOOTER.width(&cut) <= 100.0 && cut.ends_with('…'));
    }
}
