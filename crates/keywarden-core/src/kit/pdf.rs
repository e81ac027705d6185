//! Recovery kit sheets rendered as PDF (A4 or Letter).
//!
//! A sheet shows a header, its keys, the share words or a passphrase box, QR codes,
//! typed lines and a page of instructions for heirs.
//!
//! Pages are laid out and written with [`crate::print`] (the standard PDF fonts, not
//! embedded); QR codes are vector squares, sharp at any printer resolution.

use qrcode::{Color, EcLevel, QrCode};
use zeroize::Zeroizing;

use super::sheet::{Sheet, SheetKind};
use super::{KitError, chunk, typed};
use crate::print::canvas::Canvas;
use crate::print::font::{
    BODY, BODY_BOLD, CAPTION, Font, HEADING, MONO, Style, TITLE, VALUE, show, wrap,
};
use crate::print::layout::{self, Layout};
use crate::print::{self, Paper};

/// The most characters in one payload QR code (`KW1 <kit id> i/n <base64>`).
///
/// 600 characters at error correction level Q make a version 23 or 24 code (109–113
/// modules, 117–121 with the quiet zone). Two fit across A4 or Letter at about 2 pt
/// (0.7 mm) a module, two rows to a page, and level Q still decodes with about a quarter
/// of a code stained, torn or faded: what paper in a safe for twenty years needs. An
/// RSA-4096 kit (about 4.5 KB of base64) takes 8 or 9 codes, on three pages. Three codes
/// a row at 1.35 pt a module fit nine on a page, but `zbarimg` reading such pages one by
/// one after simulated scan damage missed 9 codes of 900; two a row at 2 pt missed 1 of
/// 432, which then read on its own (measured 2026-12-02 with the damage of
/// `tests/interop/test_kit_scan_damage.py`). The format's 1000 characters would need
/// level M or smaller modules.
pub const CODE_CHARS: usize = 600;
/// Error correction of every code: level Q restores up to 25% of damaged modules.
const CODE_EC: EcLevel = EcLevel::Q;
/// The quiet zone around each code, in modules (what the QR standard requires).
const QUIET: usize = 4;
/// The smallest module drawn, in points (0.64 mm): below it, fewer codes go on a row.
const MIN_MODULE: f32 = 1.8;
/// The largest module drawn, in points (0.85 mm): small codes do not grow huge.
const MAX_MODULE: f32 = 2.4;
/// The most payload codes side by side.
const MAX_CODE_COLUMNS: usize = 2;
/// The share code's module, in points (0.7 mm).
const SHARE_MODULE: f32 = 2.0;
/// The most room the share code may take across, in points.
const SHARE_CODE_ROOM: f32 = 150.0;

/// The commands that read the codes back into the payload (two lines, so that they fit
/// the page); `{out}` is the file to write. One `zbarimg` per page: given several
/// images at once, zbar 0.23 carries state from one to the next and may miss a code on
/// a later page that it reads on its own.
const SCAN: [&str; 2] = [
    "for f in sheet*.png; do zbarimg --raw -q \"$f\"; done | grep '^KW1 ' \\",
    "  | sort -u | sort -k3,3 | cut -d' ' -f4 | tr -d '\\n' | base64 -d > {out}",
];

/// Renders `sheets` as one PDF document: each sheet starts on a new page and may span
/// several; after each sheet's pages, a plain-language instructions page for heirs.
///
/// The result is deterministic: the same sheets give the same bytes (dates come from
/// `made_at`, nothing is random). It contains the share words of split sheets, and the
/// keys themselves for unencrypted ones: treat it as secret. Buffers this function owns
/// are wiped; those that pdf-writer and qrcode reallocate on the way are not.
///
/// # Errors
/// [`KitError::Document`] (line 0) for no sheets, a sheet that fails
/// [`Sheet::validate`], or a document of more pages than a PDF can count;
/// [`KitError::Chunk`] when a payload needs more than [`chunk::MAX_CHUNKS`] codes (or,
/// which the chunk size rules out, a code's text does not fit one QR code).
pub fn render(sheets: &[Sheet], paper: Paper) -> Result<Vec<u8>, KitError> {
    if sheets.is_empty() {
        return Err(KitError::Document {
            line: 0,
            reason: "there are no sheets to print".to_owned(),
        });
    }
    let mut pages: Vec<Zeroizing<Vec<u8>>> = Vec::new();
    for sheet in sheets {
        sheet.validate()?;
        pages.extend(
            sheet_pages(sheet, paper, false)?
                .into_iter()
                .map(|p| Zeroizing::new(p.into_pdf())),
        );
    }
    let mut kits: Vec<String> = Vec::new();
    for sheet in sheets {
        let id = sheet.kit.to_string();
        if !kits.contains(&id) {
            kits.push(id);
        }
    }
    let title = format!("Keywarden recovery kit {}", kits.join(", "));
    let pages: Vec<&[u8]> = pages.iter().map(|p| p.as_slice()).collect();
    print::document(&pages, paper, &title).map_err(|_| KitError::Document {
        line: 0,
        reason: "the sheets need more pages than a PDF can hold".to_owned(),
    })
}

/// One sheet's pages as standalone SVG documents, exactly as [`render`] draws them: the
/// app's preview of what will be printed. As secret as the PDF.
///
/// # Errors
/// As [`render`].
pub fn render_svg(sheet: &Sheet, paper: Paper) -> Result<Vec<Zeroizing<String>>, KitError> {
    sheet.validate()?;
    let (width, _) = paper.size_pt();
    Ok(sheet_pages(sheet, paper, true)?
        .into_iter()
        .map(|p| p.into_svg(width))
        .collect())
}

/// One sheet's pages, footers included; `svg` records them as SVG too.
fn sheet_pages(sheet: &Sheet, paper: Paper, svg: bool) -> Result<Vec<Canvas>, KitError> {
    // Clear intermediates: for unencrypted kits, the codes and lines are the keys.
    let codes = Zeroizing::new(chunk::split(sheet.kit, &sheet.payload, CODE_CHARS)?);
    let lines = Zeroizing::new(typed::lines(sheet.kit, &sheet.payload));
    let mut l = Layout::new(paper, svg);
    header(&mut l, sheet);
    if let SheetKind::Vault { threshold, .. } = &sheet.kind {
        share(&mut l, sheet)?;
        vault_steps(&mut l, sheet, *threshold);
        l.new_page();
        vault_heirs_page(&mut l, sheet, *threshold);
    } else {
        keys(&mut l, sheet);
        match &sheet.kind {
            SheetKind::Split { .. } | SheetKind::Vault { .. } => share(&mut l, sheet)?,
            SheetKind::Personal => passphrase_box(&mut l),
            SheetKind::Escrow { recipient } => escrow(&mut l, recipient),
            SheetKind::Unencrypted => unencrypted_warning(&mut l),
        }
        short_steps(&mut l, sheet);
        payload_codes(&mut l, sheet, &codes)?;
        typed_lines(&mut l, sheet, &lines);
        l.new_page();
        heirs_page(&mut l, sheet);
    }
    let mut pages = l.finish();
    let count = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        footer(page, paper, sheet, i + 1, count);
    }
    Ok(pages)
}

/// The sheet's kind under the title.
const KIND: Style = Style::new(Font::SansBold, 13.0, 19.0);
/// The kit id.
const ID: Style = Style::new(Font::MonoBold, 10.0, 12.0);
/// A share word, and its number beside it.
const WORD: Style = Style::new(Font::MonoBold, 13.5, 21.0);
const WORD_NUMBER: Style = Style::new(Font::Sans, 8.5, 21.0).gray(0.4);
/// A typed line of the payload.
const TYPED: Style = Style::new(Font::Mono, 10.0, 13.0);
/// The instructions page for heirs: a little tighter, so that it fits one page.
const HEIRS: Style = Style::new(Font::Sans, 9.0, 12.0);
const HEIRS_BOLD: Style = Style::new(Font::SansBold, 9.0, 12.0);
const HEIRS_HEADING: Style = Style::new(Font::SansBold, 10.5, 15.0);

// ---------------------------------------------------------------------------------------
// QR codes

/// A QR code of `text`, or a `KitError::Chunk` when it does not fit one code.
fn qr(text: &str) -> Result<QrCode, KitError> {
    QrCode::with_error_correction_level(text.as_bytes(), CODE_EC).map_err(|_| KitError::Chunk {
        reason: "a code's text does not fit one QR code".to_owned(),
    })
}

/// The side of a code with its quiet zone, in modules.
fn modules(code: &QrCode) -> usize {
    code.width() + 2 * QUIET
}

/// Draws `code` with its quiet zone's top-left corner at `(x, top)`, `module` points a
/// module: each row's runs of dark modules as one rectangle, all filled as one path.
fn draw_qr(content: &mut Canvas, code: &QrCode, x: f32, top: f32, module: f32) {
    let width = code.width().max(1);
    let colors = code.to_colors();
    let quiet = QUIET as f32 * module;
    let mut runs = Vec::new();
    for (row, cells) in colors.chunks(width).enumerate() {
        let mut run: Option<usize> = None;
        for (col, color) in cells
            .iter()
            .chain(std::iter::once(&Color::Light))
            .enumerate()
        {
            match (color, run) {
                (Color::Dark, None) => run = Some(col),
                (Color::Light, Some(start)) => {
                    runs.push((row, start, col - start));
                    run = None;
                }
                _ => {}
            }
        }
    }
    content.modules((x + quiet, top - quiet), module, &runs);
}

// ---------------------------------------------------------------------------------------
// The sections of a sheet

/// The sheet's kind, as its header says it.
fn kind_title(kind: &SheetKind) -> String {
    match kind {
        SheetKind::Personal => "Personal kit".to_owned(),
        SheetKind::Unencrypted => {
            "Unencrypted kit — anyone holding this sheet has the keys".to_owned()
        }
        SheetKind::Split {
            share_number,
            threshold,
            count,
        } => format!("Split kit — share {share_number} of {count} (any {threshold} recover)"),
        SheetKind::Escrow { .. } => "Escrow kit".to_owned(),
        SheetKind::Vault { count: 1, .. } => {
            "Vault recovery kit — opens the vault if its passphrase is lost".to_owned()
        }
        SheetKind::Vault {
            share_number,
            threshold,
            count,
            ..
        } => format!(
            "Vault recovery kit — share {share_number} of {count} (any {threshold} open the vault)"
        ),
    }
}

/// `2026-11-28 22:45 UTC`.
fn date(sheet: &Sheet) -> String {
    jiff::fmt::strtime::format("%Y-%m-%d %H:%M UTC", sheet.made_at)
        .unwrap_or_else(|_| sheet.made_at.to_string())
}

fn header(l: &mut Layout, sheet: &Sheet) {
    let x = l.left();
    l.line(TITLE, x, "Keywarden recovery kit");
    l.paragraph(KIND, 0.0, &kind_title(&sheet.kind));
    l.space(6.0);
    const LABEL_WIDTH: f32 = 64.0;
    let (kit, generation, made) = (
        sheet.kit.to_string(),
        sheet.generation.to_string(),
        date(sheet),
    );
    l.row(
        0.0,
        LABEL_WIDTH,
        &[("Kit id", ID, &kit), ("Generation", VALUE, &generation)],
    );
    l.row(
        0.0,
        LABEL_WIDTH,
        &[
            ("Made", VALUE, &made),
            ("Format", VALUE, "Keywarden kit format 1"),
        ],
    );
    if let SheetKind::Vault { vault, .. } = &sheet.kind {
        l.labelled(0.0, LABEL_WIDTH, "Vault id", ID, vault);
    }
    if let Some(custodian) = &sheet.custodian {
        l.labelled(0.0, LABEL_WIDTH, "Custodian", VALUE, custodian);
    }
    l.rule();
    let about = match &sheet.kind {
        SheetKind::Personal => {
            "This sheet holds secret keys, encrypted with the passphrase written by hand in \
             the box below. With that passphrase, anyone holding the sheet can recover the \
             keys: keep it as safe as the keys themselves."
                .to_owned()
        }
        SheetKind::Unencrypted => "This sheet holds secret keys that are not encrypted: \
                                   anyone who scans or types its codes has them. Keep it \
                                   locked away."
            .to_owned(),
        SheetKind::Split {
            threshold, count, ..
        } => format!(
            "This sheet is one of {count} shares of one kit. Any {threshold} of them \
             together recover its secret keys; fewer reveal nothing. Keep it safe, and \
             apart from the other shares."
        ),
        SheetKind::Escrow { .. } => "This sheet holds secret keys, encrypted to the key of \
                                     an escrow agent: only the agent's private key opens \
                                     it."
        .to_owned(),
        SheetKind::Vault { count: 1, .. } => "This sheet opens the Keywarden vault named \
                                              below when its passphrase or key file is \
                                              lost. It holds no keys itself, but whoever has \
                                              it and a copy of the vault file has every key \
                                              in the vault: keep it as safe as the \
                                              passphrase, and apart from the vault file."
            .to_owned(),
        SheetKind::Vault {
            threshold, count, ..
        } => format!(
            "This sheet is one of {count} shares that open the Keywarden vault named below \
             when its passphrase or key file is lost. Any {threshold} of them together open \
             it; fewer reveal nothing. Whoever has {threshold} sheets and a copy of the vault \
             file has every key in the vault: keep this sheet safe, and apart from the other \
             shares."
        ),
    };
    l.paragraph(
        BODY,
        0.0,
        &format!("{about} The last page explains in plain words how to recover them."),
    );
}

fn keys(l: &mut Layout, sheet: &Sheet) {
    let n = sheet.keys.len();
    let title = if n == 1 {
        "The key on this sheet".to_owned()
    } else {
        format!("The {n} keys on this sheet")
    };
    l.heading(&title, 3.0 * BODY.leading);
    if sheet.keys.is_empty() {
        l.paragraph(BODY, 0.0, "No keys are listed.");
    }
    for key in &sheet.keys {
        // Keep the name with its algorithm line and first fingerprint.
        l.ensure(BODY_BOLD.leading + BODY.leading + MONO.leading);
        l.paragraph(BODY_BOLD, 0.0, &key.name);
        l.paragraph(
            BODY,
            12.0,
            &format!("{} · version {}", key.algorithm, key.version),
        );
        for (kind, value) in &key.fingerprints {
            l.labelled(12.0, 88.0, kind, MONO, value);
        }
        l.space(5.0);
    }
}

fn share(l: &mut Layout, sheet: &Sheet) -> Result<(), KitError> {
    let Some(mnemonic) = &sheet.share else {
        return Ok(());
    };
    // Clear intermediates: the words and the code's text are the share.
    let words: Vec<&str> = mnemonic.split_whitespace().collect();
    let text = Zeroizing::new(words.join(" "));
    let code = qr(&text)?;
    let code_side =
        (SHARE_CODE_ROOM / modules(&code) as f32).min(SHARE_MODULE) * modules(&code) as f32;
    const COLUMNS: usize = 3;
    let rows = words.len().div_ceil(COLUMNS);
    let grid_height = rows as f32 * WORD.leading + 16.0;
    let caption = wrap(
        CAPTION,
        "The same words as a code, for a QR reader",
        code_side,
    );
    let code_height = code_side + 4.0 + CAPTION.leading * caption.len() as f32;
    let intro = if matches!(sheet.kind, SheetKind::Vault { .. }) {
        "Secret. Type these words only into Keywarden's vault recovery (or shamir recover), \
         in the numbered order."
    } else {
        "Secret. Type these words only into shamir recover, one sheet after another, in the \
         numbered order."
    };
    let keep = l.paragraph_height(BODY, 0.0, intro) + 4.0 + grid_height.max(code_height);
    l.heading(
        &format!("This sheet's share: {} words (SLIP-39)", words.len()),
        keep,
    );
    l.paragraph(BODY, 0.0, intro);
    l.space(4.0);
    let top = l.y;
    let (left, right) = (l.left(), l.right());
    let grid_width = l.measure() - code_side - 18.0;
    l.page
        .set_stroke_gray(0.0)
        .set_line_width(0.8)
        .rect(left, top - grid_height, grid_width, grid_height)
        .stroke();
    let column_width = (grid_width - 16.0) / COLUMNS as f32;
    for (i, word) in words.iter().enumerate() {
        let (column, row) = (i / rows.max(1), i % rows.max(1));
        let x = left + 8.0 + column as f32 * column_width;
        let line_top = top - 8.0 - row as f32 * WORD.leading;
        let number = format!("{}", i + 1);
        let number_x = x + 18.0 - WORD_NUMBER.width(&number);
        show(
            &mut l.page,
            WORD_NUMBER,
            number_x,
            Layout::baseline(WORD, line_top),
            &number,
        );
        show(
            &mut l.page,
            WORD,
            x + 24.0,
            Layout::baseline(WORD, line_top),
            word,
        );
    }
    let module = code_side / modules(&code) as f32;
    draw_qr(&mut l.page, &code, right - code_side, top, module);
    let mut y = top - code_side - 4.0;
    for line in &caption {
        let x = right - code_side + (code_side - CAPTION.width(line)) / 2.0;
        show(&mut l.page, CAPTION, x, Layout::baseline(CAPTION, y), line);
        y -= CAPTION.leading;
    }
    l.fresh = false;
    l.y = top - grid_height.max(code_height);
    Ok(())
}

fn passphrase_box(l: &mut Layout) {
    const BOX: f32 = 62.0;
    let note = "Write clearly: capitals, spaces and punctuation count. The passphrase was \
                never printed and is stored nowhere else; without it, the codes on this \
                sheet cannot be opened.";
    let keep = 2.0 + BOX + 4.0 + l.paragraph_height(CAPTION, 0.0, note);
    l.heading("Kit passphrase — write it here by hand", keep);
    let (left, width, top) = (l.left(), l.measure(), l.y - 2.0);
    l.page
        .set_stroke_gray(0.0)
        .set_line_width(0.8)
        .rect(left, top - BOX, width, BOX)
        .stroke()
        .set_stroke_gray(0.7)
        .set_line_width(0.4)
        .move_to(left + 10.0, top - BOX / 2.0 + 2.0)
        .line_to(left + width - 10.0, top - BOX / 2.0 + 2.0)
        .move_to(left + 10.0, top - BOX + 10.0)
        .line_to(left + width - 10.0, top - BOX + 10.0)
        .stroke();
    l.fresh = false;
    l.y = top - BOX - 4.0;
    l.paragraph(CAPTION, 0.0, note);
}

fn escrow(l: &mut Layout, recipient: &str) {
    l.heading("Encrypted to the escrow agent", 3.0 * BODY.leading);
    l.paragraph(
        BODY,
        0.0,
        "Only the escrow agent's age identity (a private key starting with \
         AGE-SECRET-KEY-1) opens this kit. The agent's public recipient is:",
    );
    l.paragraph(MONO, 12.0, recipient.trim());
}

fn unencrypted_warning(l: &mut Layout) {
    let text = "Not encrypted. Anyone who can read, copy or photograph this sheet has the \
                keys it lists. Keep it locked away, and destroy it when it is replaced.";
    let lines = wrap(BODY_BOLD, text, l.measure() - 20.0);
    let height = BODY_BOLD.leading * lines.len() as f32 + 14.0;
    l.space(10.0);
    l.ensure(height);
    let (left, width, top) = (l.left(), l.measure(), l.y);
    l.page
        .set_fill_gray(0.88)
        .rect(left, top - height, width, height)
        .fill_nonzero()
        .set_fill_gray(0.0)
        .set_stroke_gray(0.0)
        .set_line_width(1.2)
        .rect(left, top - height, width, height)
        .stroke();
    l.fresh = false;
    l.y -= 7.0;
    for line in &lines {
        l.put(BODY_BOLD, left + 10.0, line);
        l.y -= BODY_BOLD.leading;
    }
    l.y -= 7.0;
}

/// The scanning commands, writing to `out`.
fn scan(out: &str) -> Vec<String> {
    SCAN.iter().map(|l| l.replace("{out}", out)).collect()
}

/// The short recovery steps printed on the sheet.
fn short_steps(l: &mut Layout, sheet: &Sheet) {
    let mut steps: Vec<(String, Vec<String>)> = Vec::new();
    let scan_text = |extra: &str| {
        format!(
            "Scan the pages with codes{extra} at 300 dpi to sheet-1.png, sheet-2.png, … \
             and join the codes:"
        )
    };
    let keys_txt = "keys.txt is the recovery document: each key in a standard encoding. Keep \
                    it secret.";
    match &sheet.kind {
        SheetKind::Split { threshold, .. } | SheetKind::Vault { threshold, .. } => {
            steps.push((
                format!(
                    "Gather any {threshold} sheets of this kit (the same kit id, {}).",
                    sheet.kit
                ),
                vec![],
            ));
            steps.push((
                "Enter each sheet's words into the SLIP-39 reference tool; it prints the \
                 master secret in hex:"
                    .to_owned(),
                vec![
                    "pip install shamir-mnemonic".to_owned(),
                    "shamir recover".to_owned(),
                ],
            ));
            steps.push((
                scan_text(" (every sheet has the same ones)"),
                scan("kit.age"),
            ));
            steps.push((
                "Decrypt, entering the hex master secret as the passphrase:".to_owned(),
                vec!["age -d -o keys.txt kit.age".to_owned()],
            ));
        }
        SheetKind::Personal => {
            steps.push((scan_text(""), scan("kit.age")));
            steps.push((
                "Decrypt, entering the passphrase handwritten above:".to_owned(),
                vec!["age -d -o keys.txt kit.age".to_owned()],
            ));
        }
        SheetKind::Escrow { .. } => {
            steps.push((scan_text(""), scan("kit.age")));
            steps.push((
                "The escrow agent decrypts it with the agent's identity file:".to_owned(),
                vec!["age -d -i agent-identity.txt -o keys.txt kit.age".to_owned()],
            ));
        }
        SheetKind::Unencrypted => {
            steps.push((
                format!(
                    "{} the result is the recovery document itself.",
                    scan_text("")
                ),
                scan("keys.txt"),
            ));
        }
    }
    steps.push((keys_txt.to_owned(), vec![]));
    l.heading(
        "How to recover, with free public tools (the last page explains each step)",
        3.0 * BODY.leading + 30.0,
    );
    for (i, (text, commands)) in steps.iter().enumerate() {
        l.step(BODY, i + 1, text, commands);
    }
}

fn payload_codes(l: &mut Layout, sheet: &Sheet, chunks: &[String]) -> Result<(), KitError> {
    // Every code or an error: a sheet must never quietly lack one.
    let codes = chunks
        .iter()
        .map(|c| qr(c))
        .collect::<Result<Vec<QrCode>, KitError>>()?;
    let widest = codes.iter().map(modules).max().unwrap_or(1) as f32;
    let gap = 8.0;
    let mut columns = MAX_CODE_COLUMNS;
    let cell = |columns: usize| (l.measure() - gap * (columns - 1) as f32) / columns as f32;
    while columns > 1 && cell(columns) / widest < MIN_MODULE {
        columns -= 1;
    }
    let cell = cell(columns);
    let module = (cell / widest).min(MAX_MODULE);
    let side = widest * module;
    let row_height = side + CAPTION.leading + 10.0;
    let n = codes.len();
    let title = format!("Kit codes ({n})");
    let also = if matches!(sheet.kind, SheetKind::Split { .. }) {
        " Every sheet of this kit carries the same codes."
    } else {
        ""
    };
    let intro = format!(
        "Scan all of them, in any order.{also} A code a page scan misses reads on its own: \
         cover the others, or crop the image around it."
    );
    // Keep the heading with its first row of codes.
    let keep = l.paragraph_height(BODY, 0.0, &intro) + 4.0 + row_height;
    l.heading(&title, keep);
    l.paragraph(BODY, 0.0, &intro);
    l.space(4.0);
    for (r, row) in codes.chunks(columns).enumerate() {
        if l.ensure(row_height) {
            let x = l.left();
            l.line(HEADING, x, &format!("{title}, continued"));
            l.space(4.0);
        }
        let top = l.y;
        for (c, code) in row.iter().enumerate() {
            let i = r * columns + c;
            let cell_x = l.left() + c as f32 * (cell + gap);
            let own = modules(code) as f32 * module;
            let x = cell_x + (cell - own) / 2.0;
            draw_qr(&mut l.page, code, x, top, module);
            let label = format!("Code {} of {n} · {}", i + 1, sheet.kit);
            let label_x = cell_x + (cell - CAPTION.width(&label)) / 2.0;
            show(
                &mut l.page,
                CAPTION.gray(0.0),
                label_x,
                Layout::baseline(CAPTION, top - side),
                &label,
            );
        }
        l.fresh = false;
        l.y = top - row_height;
    }
    Ok(())
}

fn typed_lines(l: &mut Layout, sheet: &Sheet, lines: &[String]) {
    const BLOCK: usize = 5;
    let title = "Typed lines — if a code will not scan";
    let out = if matches!(sheet.kind, SheetKind::Unencrypted) {
        "keys.txt"
    } else {
        "kit.age"
    };
    let intro = format!(
        "The same data as the codes. Type the middle column of each line, in order, into a \
         file kit.b64, then run base64 -d kit.b64 > {out}. The first column numbers the \
         lines; the last is a check of the line (see the last page)."
    );
    let first_block = TYPED.leading * lines.len().min(BLOCK) as f32;
    let keep = l.paragraph_height(BODY, 0.0, &intro) + 6.0 + first_block;
    l.heading(title, keep);
    l.paragraph(BODY, 0.0, &intro);
    l.space(6.0);
    // Past line 99 the numbers have three digits: align the shorter ones.
    let digits = lines
        .iter()
        .map(|line| line.split(' ').next().map_or(0, str::len))
        .max()
        .unwrap_or(2);
    for block in lines.chunks(BLOCK) {
        let height = TYPED.leading * block.len() as f32;
        if l.ensure(height) {
            let x = l.left();
            l.line(HEADING, x, "Typed lines, continued");
            l.space(4.0);
        }
        let x = l.left() + 12.0;
        for line in block {
            let number = line.split(' ').next().map_or(0, str::len);
            let pad = TYPED.width(&" ".repeat(digits.saturating_sub(number)));
            l.line(TYPED, x + pad, line);
        }
        l.space(5.0);
    }
}

fn heirs_page(l: &mut Layout, sheet: &Sheet) {
    let x = l.left();
    let kit = sheet.kit;
    let split = matches!(sheet.kind, SheetKind::Split { .. });
    let unencrypted = matches!(sheet.kind, SheetKind::Unencrypted);
    l.line(TITLE, x, "For whoever recovers these keys");

    l.heading_in(HEIRS_HEADING, "What this is", 2.0 * HEIRS.leading);
    let protection = match &sheet.kind {
        SheetKind::Personal => "They are encrypted: only the passphrase written by hand on \
                                the first page opens them."
            .to_owned(),
        SheetKind::Unencrypted => "They are not encrypted: the codes and typed lines are the \
                                   keys themselves, readable by anyone."
            .to_owned(),
        SheetKind::Split {
            threshold, count, ..
        }
        | SheetKind::Vault {
            threshold, count, ..
        } => format!(
            "They are encrypted with a random passphrase that was cut into {count} shares \
             by a standard method (SLIP-39, Shamir's secret sharing); each sheet of this \
             kit holds one share as a list of words. Any {threshold} sheets together rebuild \
             the passphrase; fewer reveal nothing about it."
        ),
        SheetKind::Escrow { .. } => "They are encrypted so that only the escrow agent chosen \
                                     by the owner can open them, with the agent's private \
                                     key (an age identity, a line starting with \
                                     AGE-SECRET-KEY-1)."
            .to_owned(),
    };
    l.paragraph(
        HEIRS,
        0.0,
        &format!(
            "A paper copy of secret keys, made on {} with Keywarden, a program that keeps \
             keys for encryption, signing and logging in; recovering them needs no \
             Keywarden, only free public tools. The first page lists the keys; the square \
             codes hold them, and so do the typed lines. {protection}",
            date(sheet)
        ),
    );
    l.paragraph(
        HEIRS_BOLD,
        0.0,
        "Whoever recovers the keys can do what their owner could: read encrypted data, \
         sign in their name, log in to systems. Treat these pages, and all you recover \
         from them, like cash or passwords.",
    );

    l.heading_in(HEIRS_HEADING, "Who to contact", 2.0 * HEIRS.leading);
    let mut contact = "Before you start, ask whoever entrusted this kit to you (the owner, \
                       their family, their organisation's IT or security staff) what the \
                       keys are for and whether they are still needed."
        .to_owned();
    if let Some(custodian) = &sheet.custodian {
        contact.push_str(&format!(" This sheet's custodian is {custodian}."));
    }
    if split {
        contact.push_str(
            " The other sheets are with other custodians: the owner's papers should say who.",
        );
    }
    l.paragraph(HEIRS, 0.0, &contact);

    l.heading_in(HEIRS_HEADING, "What you need", 2.0 * HEIRS.leading);
    let sheets = match &sheet.kind {
        SheetKind::Split {
            threshold, count, ..
        }
        | SheetKind::Vault {
            threshold, count, ..
        } => format!(
            "Any {threshold} of the {count} sheets of kit {kit} (the same kit id, different \
             share numbers)"
        ),
        SheetKind::Personal => {
            "This sheet, with the passphrase written in the box on its first page".to_owned()
        }
        SheetKind::Escrow { .. } => {
            "This sheet, and the escrow agent, whose identity file alone opens it".to_owned()
        }
        SheetKind::Unencrypted => "Only this sheet".to_owned(),
    };
    l.paragraph(
        HEIRS,
        0.0,
        &format!(
            "{sheets}, and a computer (best one not connected to the internet) with these \
             free tools:"
        ),
    );
    let mut tools: Vec<&str> = vec![
        "zbarimg, which reads QR codes: https://github.com/mchehab/zbar (on Debian or \
         Ubuntu: apt install zbar-tools).",
    ];
    if !unencrypted {
        tools.push(
            "age, which decrypts: https://age-encryption.org (on Debian or Ubuntu: apt \
             install age).",
        );
    }
    if split {
        tools.push(
            "shamir-mnemonic, the SLIP-39 reference tool, from PyPI (the Python Package \
             Index): pip install shamir-mnemonic.",
        );
    }
    tools.push("base64, sort, cut and tr, which every Linux or macOS system has.");
    for tool in tools {
        l.ensure(HEIRS.leading);
        l.put(HEIRS, x + 6.0, "•");
        l.paragraph(HEIRS, 16.0, tool);
    }

    l.heading_in(HEIRS_HEADING, "Step by step", 3.0 * HEIRS.leading);
    let out = if unencrypted { "keys.txt" } else { "kit.age" };
    let mut steps: Vec<(String, Vec<String>)> = Vec::new();
    if let SheetKind::Split { threshold, .. } = &sheet.kind {
        steps.push((
            format!(
                "Rebuild the passphrase: run shamir recover and type the words of each of \
                 the {threshold} sheets when asked, in their numbered order. It then prints \
                 the master secret, a line of hexadecimal characters (0-9 and a-f): the \
                 passphrase for the decryption step."
            ),
            vec![
                "pip install shamir-mnemonic".to_owned(),
                "shamir recover".to_owned(),
            ],
        ));
    }
    steps.push((
        format!(
            "Read the codes: scan each page with square codes at 300 dpi to PNG images \
             sheet-1.png, sheet-2.png and so on (or take sharp photos). In their folder, \
             run the command below: it reads every code, puts them in order and joins them \
             into one file, {out}."
        ),
        scan(out),
    ));
    let decrypt = match &sheet.kind {
        SheetKind::Split { .. } | SheetKind::Vault { .. } => Some((
            "Decrypt: run this and type the master secret in hex when age asks for the \
             passphrase.",
            "age -d -o keys.txt kit.age",
        )),
        SheetKind::Personal => Some((
            "Decrypt: run this and type the passphrase handwritten on the first page when \
             age asks for it.",
            "age -d -o keys.txt kit.age",
        )),
        SheetKind::Escrow { .. } => Some((
            "Decrypt: give kit.age to the escrow agent, who runs this with the agent's \
             identity file.",
            "age -d -i agent-identity.txt -o keys.txt kit.age",
        )),
        SheetKind::Unencrypted => None,
    };
    if let Some((text, command)) = decrypt {
        steps.push((text.to_owned(), vec![command.to_owned()]));
    }
    steps.push((
        "Read the keys: keys.txt is plain text. Each key has its name, algorithm and \
         fingerprints and, between Material: and End of key, the key in a standard form \
         that OpenSSL, OpenSSH or age read (PEM for private keys, hex for symmetric keys, \
         AGE-SECRET-KEY-1 for age keys, plain text for passwords). Keywarden can import \
         the file, and checks each key against its fingerprints."
            .to_owned(),
        vec![],
    ));
    for (i, (text, commands)) in steps.iter().enumerate() {
        l.step(HEIRS, i + 1, text, commands);
    }

    l.heading_in(
        HEIRS_HEADING,
        "If a code does not scan",
        3.0 * HEIRS.leading,
    );
    l.paragraph(
        HEIRS,
        0.0,
        &format!(
            "Try more light or a sharper image: the codes survive some stains and tears. If \
             one still fails, use the typed lines, which hold the same data: type the middle \
             column of every line, in order, into a file kit.b64, run base64 -d kit.b64 > \
             {out} and go on with the next step. The last column checks a line: for line \
             07, the command below must print those four characters first."
        ),
    );
    l.commands(
        0.0,
        &[format!(
            "printf '{kit} 07 <the middle column of line 07>' | sha256sum"
        )],
    );

    l.heading_in(HEIRS_HEADING, "Afterwards", 2.0 * HEIRS.leading);
    l.paragraph(
        HEIRS,
        0.0,
        "Keep the result secret: anyone with keys.txt has the keys. Keep it only on \
         encrypted storage, delete other copies, and put the sheets back in safe keeping.",
    );
}

/// How to use a vault recovery sheet, in Keywarden and without it.
fn vault_steps(l: &mut Layout, sheet: &Sheet, threshold: u8) {
    let gather = if threshold > 1 {
        format!(
            "Gather any {threshold} sheets of this kit (the same kit id, {}). ",
            sheet.kit
        )
    } else {
        String::new()
    };
    let steps: [(String, Vec<String>); 3] = [
        (
            format!(
                "{gather}In Keywarden, choose the vault, then \"Use a vault recovery kit\" on \
                 its unlock screen, and enter the words of each sheet (or scan its code). \
                 From a terminal:"
            ),
            vec!["keywarden --vault VAULT-FILE passwd --recovery-kit words.txt".to_owned()],
        ),
        (
            "Set a new passphrase (and, if you like, a new key file). The old passphrase \
             stops working; this kit still opens the vault until a newer vault recovery kit \
             replaces it."
                .to_owned(),
            vec![],
        ),
        (
            "Without Keywarden: the vault format is published (Keywarden's \
             docs/vault-format.md, \"The recovery keyslot\"). shamir recover (pip install \
             shamir-mnemonic) turns the words into the master secret; written in lowercase \
             hexadecimal, it is the passphrase of the vault's recovery keyslot."
                .to_owned(),
            vec![],
        ),
    ];
    l.heading("How to use it", 3.0 * BODY.leading + 30.0);
    for (i, (text, commands)) in steps.iter().enumerate() {
        l.step(BODY, i + 1, text, commands);
    }
}

/// The instructions page of a vault recovery sheet, for whoever finds it.
fn vault_heirs_page(l: &mut Layout, sheet: &Sheet, threshold: u8) {
    let x = l.left();
    l.line(TITLE, x, "For whoever finds this sheet");
    l.heading_in(HEIRS_HEADING, "What this is", 2.0 * HEIRS.leading);
    let quorum = if threshold > 1 {
        format!(
            "It is one of several sheets: any {threshold} of them together are needed, \
             fewer reveal nothing."
        )
    } else {
        "This sheet alone is enough.".to_owned()
    };
    l.paragraph(
        HEIRS,
        0.0,
        &format!(
            "A way back into a Keywarden vault, made on {}. Keywarden is a program that \
             keeps keys for encryption, signing and logging in, in an encrypted file (the \
             vault) opened with a passphrase. If the passphrase is forgotten or its owner \
             can no longer give it, the words on this sheet open the vault instead. {quorum}",
            date(sheet)
        ),
    );
    l.paragraph(
        HEIRS_BOLD,
        0.0,
        "Together with the vault file, these words give whoever has them every key in the \
         vault. Treat this sheet like cash or passwords, and never keep it with the vault \
         file.",
    );
    l.heading_in(HEIRS_HEADING, "Who to contact", 2.0 * HEIRS.leading);
    let mut contact = "Ask whoever entrusted this sheet to you (the owner, their family, their \
                       organisation's IT or security staff) where the vault file is and \
                       whether its keys are still needed."
        .to_owned();
    if let Some(custodian) = &sheet.custodian {
        contact.push_str(&format!(" This sheet's custodian is {custodian}."));
    }
    l.paragraph(HEIRS, 0.0, &contact);
    l.heading_in(HEIRS_HEADING, "What you need", 2.0 * HEIRS.leading);
    let sheet_id = match &sheet.kind {
        SheetKind::Vault { vault, .. } => vault.as_str(),
        _ => "",
    };
    l.paragraph(
        HEIRS,
        0.0,
        &format!(
            "The vault file (its id, {sheet_id}, is printed on the first page; Keywarden \
             shows the id of the vault it opens), Keywarden or any program that follows \
             its published vault format, and the words of this sheet."
        ),
    );
    l.heading_in(HEIRS_HEADING, "Afterwards", 2.0 * HEIRS.leading);
    l.paragraph(
        HEIRS,
        0.0,
        "Set a new passphrase as soon as the vault opens, and make a new vault recovery kit \
         if the words on these sheets may have been seen by others: a new kit replaces this \
         one, which then opens nothing.",
    );
}

/// The footer of one page: who and what it belongs to, and its place in the sheet.
fn footer(page: &mut Canvas, paper: Paper, sheet: &Sheet, number: usize, count: usize) {
    let mut about = format!(
        "Keywarden recovery kit {} · generation {}",
        sheet.kit, sheet.generation
    );
    if let Some((share_number, _, count)) = sheet.kind.share()
        && count > 1
    {
        about.push_str(&format!(" · share {share_number} of {count}"));
    }
    if let Some(custodian) = &sheet.custodian {
        about.push_str(&format!(" · custodian {custodian}"));
    }
    layout::footer(page, paper, &about, number, count);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::KitId;
    use crate::kit::slip39;

    fn payload(n: usize) -> Vec<u8> {
        let mut p = b"age-encryption.org/v1\n".to_vec();
        p.extend((0..n).map(|i| (i * 31 % 251) as u8));
        p
    }

    fn sheet(kind: SheetKind, share: Option<Zeroizing<String>>) -> Sheet {
        Sheet {
            kit: KitId::from_bits(0x12_3456_789A),
            generation: 2,
            made_at: "2026-11-28T22:45:00Z".parse().unwrap(),
            kind,
            custodian: Some("Åsa Öberg — the notary’s office".to_owned()),
            keys: vec![super::super::sheet::SheetKey {
                name: "Payroll export key".to_owned(),
                algorithm: "aes-256".to_owned(),
                version: 2,
                fingerprints: vec![("kcv".to_owned(), "4f0c1a9e2b7d3c11".to_owned())],
            }],
            share,
            payload: payload(3000),
        }
    }

    #[test]
    fn rendering_is_deterministic_and_sized_to_the_paper() {
        let share = slip39::split(&[3; 16], b"", 1, &[(2, 3)], 0, true).unwrap()[0][0].clone();
        let kinds = [
            (
                SheetKind::Split {
                    share_number: 1,
                    threshold: 2,
                    count: 3,
                },
                Some(share),
            ),
            (SheetKind::Personal, None),
        ];
        for (kind, share) in kinds {
            let s = sheet(kind, share);
            let a4 = render(std::slice::from_ref(&s), Paper::A4).unwrap();
            assert_eq!(a4, render(std::slice::from_ref(&s), Paper::A4).unwrap());
            let text = String::from_utf8_lossy(&a4);
            assert!(text.contains("/MediaBox [0 0 595.28 841.89]"));
            assert!(text.contains("/Title (Keywarden recovery kit KW-28T5-CY4T)"));
            assert!(text.contains("/Producer (Keywarden)"));
            let letter = render(std::slice::from_ref(&s), Paper::Letter).unwrap();
            let text = String::from_utf8_lossy(&letter);
            assert!(text.contains("/MediaBox [0 0 612 792]"));
            assert!(!text.contains("595.28"));
        }
    }

    #[test]
    fn invalid_sheets_and_no_sheets_are_refused() {
        assert!(matches!(
            render(&[], Paper::A4),
            Err(KitError::Document { line: 0, .. })
        ));
        let no_share = sheet(
            SheetKind::Split {
                share_number: 1,
                threshold: 2,
                count: 3,
            },
            None,
        );
        assert!(matches!(
            render(&[no_share], Paper::A4),
            Err(KitError::Document { line: 0, .. })
        ));
        let mut huge = sheet(SheetKind::Personal, None);
        huge.payload = payload(chunk::MAX_CHUNKS * CODE_CHARS);
        assert!(matches!(
            render(&[huge], Paper::A4),
            Err(KitError::Chunk { .. })
        ));
    }

    #[test]
    fn codes_are_within_limits_and_modules_print_reliably() {
        let s = sheet(SheetKind::Personal, None);
        let chunks = chunk::split(s.kit, &payload(3400), CODE_CHARS).unwrap();
        assert!(chunks.iter().all(|c| c.len() <= CODE_CHARS));
        assert!(
            chunks
                .iter()
                .all(|c| chunk::Chunk::parse(c).unwrap().kit == s.kit)
        );
        let widest = chunks
            .iter()
            .map(|c| modules(&qr(c).unwrap()))
            .max()
            .unwrap();
        for paper in [Paper::A4, Paper::Letter] {
            let measure = paper.size_pt().0 - 2.0 * layout::MARGIN_X;
            let cell = (measure - 8.0 * (MAX_CODE_COLUMNS - 1) as f32) / MAX_CODE_COLUMNS as f32;
            // Two codes a row, each module at least 0.64 mm.
            assert!(cell / widest as f32 >= MIN_MODULE, "{paper}: {widest}");
        }
    }
}
