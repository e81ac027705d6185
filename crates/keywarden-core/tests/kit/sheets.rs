//! Recovery kit sheets as PDF, read back with the tools an heir would use: poppler's
//! `pdftoppm` and `pdftotext` (Debian `poppler-utils`) and `zbarimg` (`zbar-tools`).
//! A missing tool fails the test: CI installs them, and a skipped check proves nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail by panicking, like the tests that call them; clippy.toml \
              allows it only inside #[test] functions"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use keywarden_core::kit::chunk::Assembler;
use keywarden_core::kit::envelope::{self, Key, Lock};
use keywarden_core::kit::pdf::render;
use keywarden_core::kit::sheet::{Sheet, SheetKey, SheetKind};
use keywarden_core::kit::{KitId, slip39, typed};
use keywarden_core::print::Paper;
use zeroize::Zeroizing;

/// A recovery document about as long as one RSA-4096 key's: its sealed payload is about
/// 4.5 KB of base64 (95 typed lines, 8 codes).
fn document() -> Vec<u8> {
    let mut text = String::from(
        "Keywarden recovery kit, format 1\nKit: KW-28T5-CY4T\nGeneration: 1\n\
         Made: 2026-11-28T22:45:00Z\nKeys: 1\n\nKey: Signing key\nMaterial:\n",
    );
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state: u32 = 0x2545_F491;
    for _ in 0..48 {
        for _ in 0..64 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            text.push(char::from(alphabet[(state % 64) as usize]));
        }
        text.push('\n');
    }
    text.push_str("End of key\n");
    text.into_bytes()
}

fn keys() -> Vec<SheetKey> {
    vec![
        SheetKey {
            name: "Release signing key (code signing, production)".to_owned(),
            algorithm: "rsa-4096".to_owned(),
            version: 3,
            fingerprints: vec![
                (
                    "spki-sha256".to_owned(),
                    "3b1f0c9a4e5d6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a".to_owned(),
                ),
                (
                    "openssh-sha256".to_owned(),
                    "SHA256:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg".to_owned(),
                ),
            ],
        },
        SheetKey {
            name: "Payroll export key".to_owned(),
            algorithm: "aes-256".to_owned(),
            version: 2,
            fingerprints: vec![("kcv".to_owned(), "4f0c1a9e2b7d3c11".to_owned())],
        },
    ]
}

fn sheet(kind: SheetKind, share: Option<Zeroizing<String>>, payload: Vec<u8>) -> Sheet {
    Sheet {
        kit: KitId::from_bits(0x12_3456_789A),
        generation: 1,
        made_at: "2026-11-28T22:45:00Z".parse().unwrap(),
        kind,
        custodian: Some("Maria Ortega".to_owned()),
        keys: keys(),
        share,
        payload,
    }
}

/// Runs a tool, failing with what to install when it is missing.
fn run(tool: &str, package: &str, args: &[&str]) -> std::process::Output {
    Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} (Debian package {package}): {e}"))
}

/// Writes the PDF and renders at 300 dpi the pages that have codes (those with a code's
/// label or the share words: the others only cost time); returns the PDF's text and the
/// images.
fn rasterize(pdf: &[u8], dir: &Path) -> (String, Vec<PathBuf>) {
    let path = dir.join("kit.pdf");
    std::fs::write(&path, pdf).unwrap();
    let text = pdf_text(&path);
    let pages: Vec<usize> = text
        .split('\u{c}')
        .enumerate()
        .filter(|(_, page)| {
            page.contains("(SLIP-39)")
                || page
                    .lines()
                    .any(|l| l.trim_start().starts_with("Code ") && l.contains(" of "))
        })
        .map(|(i, _)| i + 1)
        .collect();
    assert!(!pages.is_empty(), "no page with codes");
    for page in pages {
        let page = page.to_string();
        let prefix = dir.join(format!("sheet-{page}"));
        let out = run(
            "pdftoppm",
            "poppler-utils",
            &[
                "-r",
                "300",
                "-gray",
                "-png",
                "-singlefile",
                "-f",
                &page,
                "-l",
                &page,
                path.to_str().unwrap(),
                prefix.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "pdftoppm: {out:?}");
    }
    let mut images: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    images.sort();
    assert!(!images.is_empty());
    (text, images)
}

/// Every code zbarimg finds in the images, one text each.
fn scan(images: &[PathBuf]) -> Vec<String> {
    // One zbarimg per page, as the sheets say: given several images, zbar 0.23 carries
    // state from one to the next and now and then misses a code on a later page.
    let mut codes = Vec::new();
    for image in images {
        let args = [
            "--raw",
            "-q",
            "-Sdisable",
            "-Sqrcode.enable",
            image.to_str().unwrap(),
        ];
        let out = run("zbarimg", "zbar-tools", &args);
        assert_eq!(out.status.code(), Some(0), "zbarimg {image:?}: {out:?}");
        codes.extend(
            String::from_utf8(out.stdout)
                .unwrap()
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
    }
    codes
}

/// The payload reassembled from the `KW1 ` codes, as `kit recover` would.
fn reassemble(codes: &[String]) -> Vec<u8> {
    let mut assembler = Assembler::new();
    for code in codes.iter().filter(|c| c.starts_with("KW1 ")) {
        assembler.add(code).unwrap();
    }
    assembler.finish().unwrap()
}

/// The text of the PDF, laid out as on the page; pages end in a form feed.
fn pdf_text(path: &Path) -> String {
    let out = run(
        "pdftotext",
        "poppler-utils",
        &["-layout", path.to_str().unwrap(), "-"],
    );
    assert!(out.status.success(), "pdftotext: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The typed lines in the PDF's text: `NN <base64> <4 hex digits>` alone on a line (the
/// number has three digits past line 99).
fn typed_in(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() == 3
                && f[0].len() >= 2
                && f[0].bytes().all(|b| b.is_ascii_digit())
                && (1..=typed::LINE_CHARS).contains(&f[1].len())
                && f[1]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
                && f[2].len() == 4
                && f[2].bytes().all(|b| b.is_ascii_hexdigit())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every page's footer says which page of how many it is.
fn assert_footers(text: &str) {
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    let n = pages.len();
    assert!(n >= 3, "{n} pages");
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("page {} of {n}", i + 1)),
            "page {} has no footer",
            i + 1
        );
        assert!(page.contains("KW-28T5-CY4T"), "page {}", i + 1);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn split_sheets_scan_back_to_the_payload_and_the_share_on_a4_and_letter() {
    let secret = [0x5a_u8; 16];
    let shares = slip39::split(&secret, b"", 1, &[(2, 3)], 0, true)
        .unwrap()
        .remove(0);
    let passphrase = hex(&secret);
    let document = document();
    let payload = envelope::seal(
        &document,
        Lock::Passphrase {
            passphrase: &passphrase,
            log_n: envelope::RANDOM_SECRET_LOG_N,
        },
    )
    .unwrap();
    let base64_chars = payload.len().div_ceil(3) * 4;
    assert!((4300..4800).contains(&base64_chars), "{base64_chars}");

    for (paper, number) in [(Paper::A4, 2u8), (Paper::Letter, 3u8)] {
        let share = shares[usize::from(number) - 1].clone();
        let kind = SheetKind::Split {
            share_number: number,
            threshold: 2,
            count: 3,
        };
        let pdf = render(&[sheet(kind, Some(share.clone()), payload.clone())], paper).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (text, images) = rasterize(&pdf, dir.path());
        let codes = scan(&images);

        assert_eq!(reassemble(&codes), payload, "{paper}");
        // The share's code is exactly the mnemonic: zbarimg | shamir recover can use it.
        let others: Vec<&String> = codes.iter().filter(|c| !c.starts_with("KW1 ")).collect();
        assert_eq!(others.len(), 1, "{paper}: one share code");
        assert_eq!(others[0].as_str(), share.as_str(), "{paper}");

        assert_eq!(
            typed::read(KitId::from_bits(0x12_3456_789A), &typed_in(&text)).unwrap(),
            payload,
            "{paper}: typed lines"
        );
        assert!(text.contains(&format!("Split kit — share {number} of 3 (any 2 recover)")));
        assert!(text.contains("KW-28T5-CY4T"));
        assert!(text.contains("2026-11-28"));
        assert!(text.contains("Maria Ortega"));
        assert!(text.contains("format 1"));
        assert!(text.contains("shamir recover"));
        // Every word, large and numbered.
        for word in share.split(' ') {
            assert!(text.contains(word), "{paper}: word {word}");
        }
        // Long fingerprints wrap, but every character is on the sheet.
        let flat: String = text.split_whitespace().collect();
        assert!(flat.contains("3b1f0c9a4e5d6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a"));
        assert!(flat.contains("SHA256:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg"));
        assert_footers(&text);
    }

    // The chain works end to end: two shares give the passphrase, which opens the payload.
    let recovered = slip39::combine(&[shares[0].as_str(), shares[2].as_str()], b"").unwrap();
    let opened = envelope::open(&payload, Some(Key::Passphrase(&hex(&recovered)))).unwrap();
    assert_eq!(&opened[..], &document[..]);
}

#[test]
fn personal_and_escrow_sheets_decode_and_never_print_the_passphrase() {
    let document = document();
    let passphrase = "staple-orbit-quarry-velvet-nine";
    let personal = envelope::seal(
        &document,
        Lock::Passphrase {
            passphrase,
            log_n: 10,
        },
    )
    .unwrap();
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let escrow = envelope::seal(&document, Lock::Recipient(&recipient)).unwrap();

    let cases = [
        (SheetKind::Personal, personal, Paper::Letter, "Personal kit"),
        (
            SheetKind::Escrow {
                recipient: recipient.clone(),
            },
            escrow,
            Paper::A4,
            "Escrow kit",
        ),
    ];
    for (kind, payload, paper, title) in cases {
        let pdf = render(&[sheet(kind, None, payload.clone())], paper).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (text, images) = rasterize(&pdf, dir.path());
        let codes = scan(&images);
        assert!(codes.iter().all(|c| c.starts_with("KW1 ")), "{title}");
        assert_eq!(reassemble(&codes), payload, "{title}");
        assert_eq!(
            typed::read(KitId::from_bits(0x12_3456_789A), &typed_in(&text)).unwrap(),
            payload,
            "{title}: typed lines"
        );
        assert!(text.contains(title));
        assert_footers(&text);
        let raw = String::from_utf8_lossy(&pdf);
        assert!(!raw.contains(passphrase) && !text.contains(passphrase));
        if title == "Personal kit" {
            assert!(text.contains("Kit passphrase — write it here by hand"));
        } else {
            let flat: String = text.split_whitespace().collect();
            assert!(flat.contains(&recipient), "the recipient is printed");
            assert!(text.contains("age -d -i agent-identity.txt -o keys.txt kit.age"));
        }
    }
}

#[test]
fn unencrypted_sheets_say_so_and_hold_the_document_itself() {
    let document = document();
    let pdf = render(
        &[sheet(SheetKind::Unencrypted, None, document.clone())],
        Paper::A4,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kit.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = pdf_text(&path);
    assert!(text.contains("Unencrypted kit — anyone holding this sheet has the keys"));
    assert_eq!(
        typed::read(KitId::from_bits(0x12_3456_789A), &typed_in(&text)).unwrap(),
        document
    );
    assert!(!text.contains("age -d"), "nothing to decrypt");
    assert_footers(&text);
}

#[test]
fn several_sheets_make_one_document_each_with_its_own_pages() {
    let shares = slip39::split(&[1; 16], b"", 1, &[(2, 2)], 0, true)
        .unwrap()
        .remove(0);
    let payload = envelope::seal(
        b"Keywarden recovery kit, format 1\n",
        Lock::Passphrase {
            passphrase: "p",
            log_n: 10,
        },
    )
    .unwrap();
    let sheets: Vec<Sheet> = (1..=2u8)
        .map(|n| {
            sheet(
                SheetKind::Split {
                    share_number: n,
                    threshold: 2,
                    count: 2,
                },
                Some(shares[usize::from(n) - 1].clone()),
                payload.clone(),
            )
        })
        .collect();
    let one = render(&sheets[..1], Paper::A4).unwrap();
    let both = render(&sheets, Paper::A4).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (one_path, both_path) = (dir.path().join("one.pdf"), dir.path().join("both.pdf"));
    std::fs::write(&one_path, &one).unwrap();
    std::fs::write(&both_path, &both).unwrap();
    let pages = |p: &Path| pdf_text(p).matches('\u{c}').count();
    assert_eq!(pages(&both_path), 2 * pages(&one_path));
    let text = pdf_text(&both_path);
    let first = text.find("share 1 of 2 (any 2 recover)").unwrap();
    let second = text.find("share 2 of 2 (any 2 recover)").unwrap();
    assert!(first < second);
    // The second sheet's pages count from 1 again.
    assert_eq!(text.matches("page 1 of").count(), 2);
}

/// The words of each page with their boxes, from `pdftotext -bbox`: (page width, page
/// height, words as (x_min, y_min, x_max, y_max, text), y from the top).
type Page = (f32, f32, Vec<(f32, f32, f32, f32, String)>);

fn word_boxes(path: &Path) -> Vec<Page> {
    let out = run(
        "pdftotext",
        "poppler-utils",
        &["-bbox", path.to_str().unwrap(), "-"],
    );
    assert!(out.status.success(), "pdftotext: {out:?}");
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |tag: &str, name: &str| -> f32 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + tag[start..].find('"').unwrap();
        tag[start..end].parse().unwrap()
    };
    let mut pages: Vec<Page> = Vec::new();
    for piece in html.split('<').skip(1) {
        if piece.starts_with("page ") {
            pages.push((attr(piece, "width"), attr(piece, "height"), Vec::new()));
        } else if piece.starts_with("word ") {
            let text = piece.split_once('>').unwrap().1.to_owned();
            let word = (
                attr(piece, "xMin"),
                attr(piece, "yMin"),
                attr(piece, "xMax"),
                attr(piece, "yMax"),
                text,
            );
            pages.last_mut().unwrap().2.push(word);
        }
    }
    pages
}

#[test]
fn long_inputs_stay_inside_the_margins_and_clear_of_the_footer() {
    let long_name = "Quarterly settlement key for the consolidated subsidiaries of the \
                     northern region, including the archived ledgers of 2019 to 2025, \
                     managed by treasury operations";
    let mut many: Vec<SheetKey> = Vec::new();
    for i in 0..24 {
        let mut key = keys()[i % 2].clone();
        key.name = format!("{i:02} {long_name} ΣΩ");
        key.fingerprints.push((
            "age-recipient".to_owned(),
            "age1".to_owned() + &"q".repeat(120),
        ));
        many.push(key);
    }
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let payload = envelope::seal(&document(), Lock::Recipient(&recipient)).unwrap();
    let mut sheet = sheet(SheetKind::Escrow { recipient }, None, payload);
    sheet.keys = many;
    sheet.custodian = Some(format!("{long_name}, {long_name}"));
    sheet.generation = u32::MAX;

    for paper in [Paper::A4, Paper::Letter] {
        let pdf = render(std::slice::from_ref(&sheet), paper).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kit.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let pages = word_boxes(&path);
        assert!(pages.len() > 6, "{paper}: the keys take pages of their own");
        for (number, (width, height, words)) in pages.iter().enumerate() {
            assert!(!words.is_empty());
            for (x0, y0, x1, y1, text) in words {
                let place = format!("{paper}, page {}: {text:?}", number + 1);
                // Margins are 50 pt; allow a point for rounding of the glyph boxes.
                assert!(
                    *x0 >= 49.0 && *x1 <= width - 49.0,
                    "{place} at x {x0}..{x1}"
                );
                assert!(*y0 >= 40.0, "{place} runs off the top at {y0}");
                // Content ends 62 pt above the bottom; the footer sits 32 pt up.
                let content = *y1 <= height - 58.0;
                let footer = *y0 >= height - 44.0 && *y1 <= height - 20.0;
                assert!(content || footer, "{place} at y {y0}..{y1}");
            }
        }
    }
}
