//! Printing on paper: pages laid out in the standard PDF fonts and written as one PDF
//! document. Recovery kit sheets ([`crate::kit::pdf`]) and the review report
//! ([`crate::report`]) are printed with it.
//!
//! Text is set in Helvetica and Courier, not embedded, with WinAnsiEncoding, so any PDF
//! reader shows it; what a page shows is drawn on a [`canvas::Canvas`] by a
//! [`layout::Layout`] cursor. The output is deterministic: the same pages give the same
//! bytes.

pub(crate) mod canvas;
pub(crate) mod font;
pub(crate) mod layout;
mod paper;
pub(crate) mod table;

use pdf_writer::{Finish, Name, Pdf, Rect, Ref, TextStr};

use font::Font;
pub use paper::{Paper, UnknownPaper};

/// A document of more pages than a PDF's page tree can count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the document needs more pages than a PDF can hold")]
pub struct TooManyPages;

/// `pages` (content streams, in order) as one PDF document on `paper`, titled `title`.
///
/// The document is written into one allocation, so that no partial copy of it is left
/// behind; the caller wipes the result if it is secret.
pub(crate) fn document(
    pages: &[&[u8]],
    paper: Paper,
    title: &str,
) -> Result<Vec<u8>, TooManyPages> {
    let count = i32::try_from(pages.len())
        .ok()
        .filter(|n| *n <= (i32::MAX - 9) / 2)
        .ok_or(TooManyPages)?;
    // Objects: 1 catalog, 2 page tree, 3 info, 4..=7 fonts, then a page and its content.
    let page_ref = |i: i32| Ref::new(8 + 2 * i);
    let content_ref = |i: i32| Ref::new(9 + 2 * i);
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let info = Ref::new(3);
    let font_ref = |f: Font| Ref::new(4 + f as i32);

    let capacity = pages.iter().map(|p| p.len() + 512).sum::<usize>() + 16 * 1024;
    let mut pdf = Pdf::with_capacity(capacity);
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids((0..count).map(page_ref)).count(count);
    for font in Font::ALL {
        pdf.type1_font(font_ref(font))
            .base_font(font.base())
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let (width, height) = paper.size_pt();
    for (i, content) in (0..count).zip(pages) {
        let mut page = pdf.page(page_ref(i));
        page.media_box(Rect::new(0.0, 0.0, width, height))
            .parent(tree)
            .contents(content_ref(i));
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        for font in Font::ALL {
            fonts.pair(font.resource(), font_ref(font));
        }
        fonts.finish();
        resources.finish();
        page.finish();
        pdf.stream(content_ref(i), content);
    }
    pdf.document_info(info)
        .title(TextStr(title))
        .creator(TextStr("Keywarden"))
        .producer(TextStr("Keywarden"));
    Ok(pdf.finish())
}
