//! Golden images of the sheets: every kind of sheet, on A4 and Letter, rendered from
//! fixed inputs, each page rasterised by poppler's `pdftoppm` and compared with the PNG
//! committed under `tests/golden/sheets/`, within a small tolerance (font rasterising
//! may differ by a shade between poppler versions; a moved line or a new word may not).
//!
//! When a change to the layout is meant, regenerate the goldens, look at them, and
//! commit them with the change:
//!
//! ```sh
//! UPDATE_GOLDEN=1 cargo test -p keywarden-core --test kit golden
//! ```
//!
//! On a mismatch the test writes the page it rendered and an image of the differing
//! pixels (black) under the cargo target's `tmp/golden/sheets/` and prints their paths.
//! Without `pdftoppm` (Debian `poppler-utils`) the test fails when `CI` is set and is
//! skipped with a message otherwise. The goldens were drawn with the fonts fontconfig
//! picks for Helvetica and Courier from Debian's `fonts-urw-base35` (Nimbus Sans and
//! Nimbus Mono PS), which `scripts/install-deps.sh test` installs: other fonts fail.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail by panicking, like the tests that call them; clippy.toml \
              allows it only inside #[test] functions"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use keywarden_core::kit::KitId;
use keywarden_core::kit::pdf::render;
use keywarden_core::kit::sheet::{Sheet, SheetKey, SheetKind};
use keywarden_core::kit::slip39::Share;
use keywarden_core::print::Paper;
use zeroize::Zeroizing;

/// Resolution of the goldens: enough to see every line of text and each code's place,
/// small enough that a page's PNG stays a few tens of kilobytes.
const DPI: &str = "50";
/// Two gray levels (0–255) closer than this are the same pixel.
const PIXEL_TOLERANCE: u8 = 48;
/// The share of a page's pixels that may differ beyond [`PIXEL_TOLERANCE`]: about 24
/// pixels of an A4 page. One changed word (the custodian's "Ortega" as "Ortiz") differs
/// in about 60.
const MAX_DIFFERING: f64 = 0.0001;

/// The SLIP-39 share on the split sheet: the first share of the official test vector
/// "4. Basic sharing 2-of-3 (128 bits)" (`tests/data/slip39-vectors.json`).
const SHARE: &str = "shadow pistol academic always adequate wildlife fancy gross oasis \
                     cylinder mustang wrist rescue view short owner flip making coding armed";
/// The escrow agent: the example recipient of age's README.
const RECIPIENT: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

/// Deterministic bytes (xorshift), so that the codes and typed lines never change.
fn noise(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x2545_F491;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// An age file's first line and fixed bytes: the sheet only checks the first line.
fn sealed_payload() -> Vec<u8> {
    let mut payload = b"age-encryption.org/v1\n".to_vec();
    payload.extend(noise(700));
    payload
}

/// A short recovery document, as an unencrypted sheet carries it.
fn document() -> Vec<u8> {
    b"Keywarden recovery kit, format 1\nKit: KW-28T5-CY4T\nGeneration: 2\n\
      Made: 2026-11-28T22:45:00Z\nKeys: 1\n\nKey: Payroll export key\n\
      Id: 0b6b0a8e-3c41-4d1c-9c5a-8f0e3d2b7a10\nAlgorithm: aes-256\n\
      Purpose: data-encryption\nVersion: 2\nFingerprint: kcv 4f0c1a9e2b7d3c11\n\
      Encoding: hex\nMaterial:\n\
      00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\nEnd of key\n"
        .to_vec()
}

fn keys() -> Vec<SheetKey> {
    vec![
        SheetKey {
            name: "Release signing key".to_owned(),
            algorithm: "ed25519".to_owned(),
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

/// The sheets of the goldens, by name: one of each kind.
fn sheets() -> Vec<(&'static str, Sheet)> {
    let share = Share::parse(SHARE).unwrap();
    let sheet = |kind: SheetKind, share: Option<&str>, payload: Vec<u8>| Sheet {
        kit: KitId::from_bits(0x12_3456_789A),
        generation: 2,
        made_at: "2026-11-28T22:45:00Z".parse().unwrap(),
        kind,
        custodian: Some("Maria Ortega".to_owned()),
        keys: keys(),
        share: share.map(|s| Zeroizing::new(s.to_owned())),
        payload,
    };
    vec![
        (
            "personal",
            sheet(SheetKind::Personal, None, sealed_payload()),
        ),
        (
            "split",
            sheet(
                SheetKind::Split {
                    share_number: share.member_index() + 1,
                    threshold: share.member_threshold(),
                    count: 3,
                },
                Some(SHARE),
                sealed_payload(),
            ),
        ),
        (
            "escrow",
            sheet(
                SheetKind::Escrow {
                    recipient: RECIPIENT.to_owned(),
                },
                None,
                sealed_payload(),
            ),
        ),
        (
            "unencrypted",
            sheet(SheetKind::Unencrypted, None, document()),
        ),
        (
            "vault",
            Sheet {
                keys: vec![],
                ..sheet(
                    SheetKind::Vault {
                        share_number: share.member_index() + 1,
                        threshold: share.member_threshold(),
                        count: 3,
                        vault: "5d1c0e7a93b24f6c8a01e2d3f4b5c6a7".to_owned(),
                    },
                    Some(SHARE),
                    vec![],
                )
            },
        ),
    ]
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/sheets")
}

/// Where a failing run leaves what it rendered.
fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("golden")
}

/// Whether `pdftoppm` runs; without it, fails under CI and returns `false` elsewhere.
fn have_pdftoppm() -> bool {
    if Command::new("pdftoppm").arg("-v").output().is_ok() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "pdftoppm is missing (Debian package poppler-utils; scripts/install-deps.sh test \
         installs it)"
    );
    eprintln!("skipped: the sheet goldens need pdftoppm (Debian package poppler-utils)");
    false
}

/// The pages of `pdf` as grayscale PNGs at [`DPI`], in order, rendered in `dir`.
fn rasterize(pdf: &[u8], dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("sheet.pdf");
    std::fs::write(&path, pdf).unwrap();
    let prefix = dir.join("page");
    let out = Command::new("pdftoppm")
        .args(["-r", DPI, "-gray", "-png"])
        .arg(&path)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftoppm: {out:?}");
    // pdftoppm numbers pages with as many digits as the last page needs.
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pages.sort();
    assert!(!pages.is_empty(), "pdftoppm wrote no page");
    pages
}

/// A decoded 8-bit grayscale image.
struct Gray {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

/// Reads a PNG as 8-bit gray (pdftoppm may write RGB even with `-gray`; goldens are
/// 4-bit gray).
fn decode(path: &Path) -> Gray {
    let file = std::io::BufReader::new(
        std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    );
    let mut decoder = png::Decoder::new(file);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    buffer.truncate(info.buffer_size());
    let pixels = match info.color_type {
        png::ColorType::Grayscale => buffer,
        png::ColorType::GrayscaleAlpha => buffer.chunks(2).map(|p| p[0]).collect(),
        png::ColorType::Rgb | png::ColorType::Rgba => {
            let channels = info.color_type.samples();
            buffer
                .chunks(channels)
                .map(|p| {
                    let luma =
                        299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2]);
                    u8::try_from(luma / 1000).unwrap()
                })
                .collect()
        }
        png::ColorType::Indexed => panic!("{}: an indexed PNG", path.display()),
    };
    Gray {
        width: info.width,
        height: info.height,
        pixels,
    }
}

/// Writes `image` as an 8-bit gray PNG.
fn encode(path: &Path, image: &Gray) {
    write_png(path, image, png::BitDepth::Eight, image.pixels.clone());
}

/// Writes `image` as a golden: 16 gray levels (off by 8 at most, well within
/// [`PIXEL_TOLERANCE`]) at the best compression, a third of pdftoppm's file.
fn encode_golden(path: &Path, image: &Gray) {
    let width = image.width as usize;
    let packed = image
        .pixels
        .chunks(width)
        .flat_map(|row| {
            row.chunks(2).map(|pair| {
                let level = |v: &u8| (u16::from(*v) + 8) / 17;
                let high = level(&pair[0]);
                let low = pair.get(1).map_or(0, level);
                u8::try_from(high << 4 | low).unwrap()
            })
        })
        .collect();
    write_png(path, image, png::BitDepth::Four, packed);
}

fn write_png(path: &Path, image: &Gray, depth: png::BitDepth, data: Vec<u8>) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut encoder = png::Encoder::new(file, image.width, image.height);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(depth);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&data).unwrap();
}

/// How `actual` differs from `golden`: `None` when within the tolerance, else why, with
/// an image of the differing pixels (black, over a faint copy of `actual`).
fn compare(golden: &Gray, actual: &Gray) -> Option<(String, Gray)> {
    if (golden.width, golden.height) != (actual.width, actual.height) {
        return Some((
            format!(
                "the page is {}×{} pixels, the golden {}×{}",
                actual.width, actual.height, golden.width, golden.height
            ),
            Gray {
                pixels: actual.pixels.clone(),
                ..*actual
            },
        ));
    }
    let mut differing = 0usize;
    let pixels = golden
        .pixels
        .iter()
        .zip(&actual.pixels)
        .map(|(g, a)| {
            if g.abs_diff(*a) > PIXEL_TOLERANCE {
                differing += 1;
                0
            } else {
                192 + a / 4
            }
        })
        .collect();
    let share = differing as f64 / golden.pixels.len() as f64;
    (share > MAX_DIFFERING).then(|| {
        (
            format!(
                "{differing} pixels ({:.3}%) differ, more than {:.3}%",
                share * 100.0,
                MAX_DIFFERING * 100.0
            ),
            Gray {
                width: actual.width,
                height: actual.height,
                pixels,
            },
        )
    })
}

/// The goldens of one rendering: `<name>-<page>.png`, pages from 1, in order.
fn goldens(name: &str) -> Vec<PathBuf> {
    let mut found: Vec<(usize, PathBuf)> = std::fs::read_dir(golden_dir())
        .into_iter()
        .flatten()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let stem = p.file_stem()?.to_str()?;
            let page = stem.strip_prefix(name)?.strip_prefix('-')?.parse().ok()?;
            Some((page, p))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, p)| p).collect()
}

/// Renders every sheet on both papers and checks each page against its golden (or, with
/// `UPDATE_GOLDEN` set, writes the goldens).
#[test]
fn sheets_render_like_their_goldens() {
    if !have_pdftoppm() {
        return;
    }
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let out = out_dir().join("sheets");
    let _ = std::fs::remove_dir_all(&out);
    let mut failures = Vec::new();
    for (kind, sheet) in sheets() {
        for paper in [Paper::A4, Paper::Letter] {
            let name = format!("{kind}-{paper}");
            let pdf = render(std::slice::from_ref(&sheet), paper).unwrap();
            let pages = rasterize(&pdf, &out.join(&name));
            if update {
                std::fs::create_dir_all(golden_dir()).unwrap();
                for old in goldens(&name) {
                    std::fs::remove_file(old).unwrap();
                }
                for (i, page) in pages.iter().enumerate() {
                    let golden = golden_dir().join(format!("{name}-{}.png", i + 1));
                    encode_golden(&golden, &decode(page));
                }
                continue;
            }
            let goldens = goldens(&name);
            if goldens.len() != pages.len() {
                failures.push(format!(
                    "{name}: {} pages, {} goldens (pages in {})",
                    pages.len(),
                    goldens.len(),
                    out.join(&name).display()
                ));
                continue;
            }
            for (i, (golden, page)) in goldens.iter().zip(&pages).enumerate() {
                if let Some((why, diff)) = compare(&decode(golden), &decode(page)) {
                    let diff_path = out.join(format!("{name}-{}-diff.png", i + 1));
                    encode(&diff_path, &diff);
                    failures.push(format!(
                        "{name} page {}: {why}\n    golden {}\n    actual {}\n    diff   {}",
                        i + 1,
                        golden.display(),
                        page.display(),
                        diff_path.display()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "sheets no longer render like their goldens; if the change is meant, run \
         UPDATE_GOLDEN=1 cargo test -p keywarden-core --test kit golden, look at the \
         images and commit them:\n{}",
        failures.join("\n")
    );
}

/// The tolerance is tight enough to see a small change: one word of the custodian's
/// name, on the first page of the personal sheet.
#[test]
fn the_tolerance_catches_a_changed_word() {
    if !have_pdftoppm() {
        return;
    }
    let (_, mut sheet) = sheets().remove(0);
    sheet.custodian = Some("Maria Ortiz".to_owned());
    let pdf = render(&[sheet], Paper::A4).unwrap();
    let pages = rasterize(&pdf, &out_dir().join("changed-word"));
    let golden = decode(&golden_dir().join("personal-a4-1.png"));
    assert!(compare(&golden, &golden).is_none());
    assert!(compare(&golden, &decode(&pages[0])).is_some());
}
