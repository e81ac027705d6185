//! Reading a kit from scanned sheets: the QR codes on a PNG or JPEG image, or on the
//! pages of a scanned PDF, decoded in Rust, as the text [`super::recovery::Recovery`]
//! reads (one paragraph per code, as `zbarimg --raw` would print them).
//!
//! Images are decoded by the `image` crate within [`MAX_PIXELS`]; QR codes are found by
//! `rxing`, a port of ZXing, which reads several codes on one page. A scanned PDF is a
//! wrapper around page images: its image streams (JPEG, or Flate-compressed pixels with
//! or without PNG predictors) are taken out and read one by one. A PDF Keywarden saved
//! draws its codes as vectors and holds no image; [`read`] says to print it and scan the
//! sheets, or to render its pages to PNG first.

use std::collections::HashSet;
use std::io::Cursor;

use image::{DynamicImage, GrayImage, ImageFormat, ImageReader, Limits};
use rxing::common::HybridBinarizer;
use rxing::multi::{GenericMultipleBarcodeReader, MultipleBarcodeReader};
use rxing::{
    BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource, MultiUseMultiFormatReader,
};
use zeroize::Zeroizing;

use super::KitError;

/// The largest file read: far more than a scanned 10-page kit at 600 dpi.
pub const MAX_SCAN_BYTES: usize = 64 << 20;
/// The most pixels one image may have: a Letter page at 600 dpi is 33.7 million.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The most images read from one PDF.
pub const MAX_PDF_IMAGES: usize = 64;
/// The most memory one image's decoder may take, in bytes.
const MAX_ALLOC: u64 = 512 << 20;

/// The kinds of file [`read`] takes, by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanKind {
    /// A PNG image.
    Png,
    /// A JPEG image.
    Jpeg,
    /// A PDF file of scanned pages.
    Pdf,
}

impl ScanKind {
    /// The kind of `data`, or `None` when it is not an image or PDF (text, say).
    pub fn of(data: &[u8]) -> Option<ScanKind> {
        if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ScanKind::Png)
        } else if data.starts_with(b"\xff\xd8\xff") {
            Some(ScanKind::Jpeg)
        } else if data.starts_with(b"%PDF-") {
            Some(ScanKind::Pdf)
        } else {
            None
        }
    }

    /// "a PNG image".
    pub fn describe(self) -> &'static str {
        match self {
            ScanKind::Png => "a PNG image",
            ScanKind::Jpeg => "a JPEG image",
            ScanKind::Pdf => "a PDF file",
        }
    }
}

/// What to say of a scan with no code that can be read.
pub const NO_CODE: &str = "no QR code could be read on it (a page of typed lines or \
     instructions, or a scan to redo flat at 300 dpi or more)";

/// What [`read`] found: the text of every code, and how many images it looked at.
pub struct Scanned {
    /// The codes' texts, one paragraph each. A split kit's share code is secret, so the
    /// text is wiped when dropped.
    pub text: Zeroizing<String>,
    /// How many codes were read.
    pub codes: usize,
    /// How many images were looked at (the pages of a PDF).
    pub images: usize,
}

impl std::fmt::Debug for Scanned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanned")
            .field("text", &"[redacted]")
            .field("codes", &self.codes)
            .field("images", &self.images)
            .finish()
    }
}

/// Reads the QR codes of a PNG or JPEG image, or of every page image of a scanned PDF.
/// The same code seen twice (on two scans of one sheet) is kept once. A page with no
/// code that can be read (the instructions, the typed lines, a blurred scan) gives none:
/// [`Scanned::codes`] is 0, and [`NO_CODE`] says what to do.
///
/// # Errors
/// [`KitError::Scan`] for a file that is none of these, too large, damaged, or a PDF
/// with no page image.
pub fn read(data: &[u8]) -> Result<Scanned, KitError> {
    let kind = ScanKind::of(data).ok_or_else(|| scan_error("it is not a PNG, JPEG or PDF file"))?;
    if data.len() > MAX_SCAN_BYTES {
        return Err(scan_error(format!(
            "the file is larger than {} MiB; scan at 300 dpi",
            MAX_SCAN_BYTES >> 20
        )));
    }
    let images = match kind {
        ScanKind::Png => vec![decode(data, ImageFormat::Png)?],
        ScanKind::Jpeg => vec![decode(data, ImageFormat::Jpeg)?],
        ScanKind::Pdf => pdf_images(data)?,
    };
    let mut text = Zeroizing::new(String::new());
    let mut codes = 0;
    for image in &images {
        for code in codes_on(image) {
            if !text.split("\n\n").any(|seen| seen == code.as_str()) {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(&code);
                codes += 1;
            }
        }
    }
    Ok(Scanned {
        text,
        codes,
        images: images.len(),
    })
}

fn scan_error(reason: impl Into<String>) -> KitError {
    KitError::Scan {
        reason: reason.into(),
    }
}

/// Decodes one image file within the limits, to grey levels.
fn decode(data: &[u8], format: ImageFormat) -> Result<GrayImage, KitError> {
    let reader = || {
        let mut reader = ImageReader::with_format(Cursor::new(data), format);
        let mut limits = Limits::default();
        limits.max_alloc = Some(MAX_ALLOC);
        reader.limits(limits);
        reader
    };
    let name = if format == ImageFormat::Png {
        "PNG"
    } else {
        "JPEG"
    };
    let (width, height) = reader()
        .into_dimensions()
        .map_err(|e| scan_error(format!("the {name} image cannot be read: {e}")))?;
    check_size(width, height)?;
    let image = reader()
        .decode()
        .map_err(|e| scan_error(format!("the {name} image is damaged: {e}")))?;
    Ok(image.into_luma8())
}

/// Refuses an image larger than [`MAX_PIXELS`] or with no pixels.
fn check_size(width: u32, height: u32) -> Result<(), KitError> {
    if width == 0 || height == 0 {
        return Err(scan_error("the image has no pixels"));
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(scan_error(format!(
            "the image is {width} × {height} pixels, more than any page at 600 dpi; scan \
             at 300 dpi"
        )));
    }
    Ok(())
}

/// The texts of every QR code rxing finds on one image (a share code is secret).
fn codes_on(image: &GrayImage) -> Vec<Zeroizing<String>> {
    let (width, height) = image.dimensions();
    let source = Luma8LuminanceSource::new(image.as_raw().clone(), width, height);
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    let hints = DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        TryHarder: Some(true),
        ..DecodeHints::default()
    };
    let mut reader = GenericMultipleBarcodeReader::new(MultiUseMultiFormatReader::default());
    // rxing's finder "can panic" (its own words; fuzzing found an arithmetic overflow on
    // a hostile JPEG): a page it cannot read gives no code, like a page with none. Only
    // the decoder's own state is inside, and it is dropped.
    let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        reader.decode_multiple_with_hints(&mut bitmap, &hints)
    }));
    // rxing reports "no code found" as an error: that is an empty page.
    match found {
        Ok(Ok(found)) => found
            .iter()
            .map(|r| Zeroizing::new(r.getText().to_owned()))
            .collect(),
        _ => Vec::new(),
    }
}

/// The page images of a scanned PDF.
fn pdf_images(data: &[u8]) -> Result<Vec<GrayImage>, KitError> {
    if find(data, b"/Encrypt", 0).is_some() {
        return Err(scan_error(
            "the PDF is encrypted; save the scan without a password",
        ));
    }
    let mut images = Vec::new();
    let mut at = 0;
    while let Some(keyword) = find(data, b"stream", at) {
        at = keyword + b"stream".len();
        let Some(stream) = image_stream(data, keyword)? else {
            continue;
        };
        at = stream.end;
        if images.len() == MAX_PDF_IMAGES {
            return Err(scan_error(format!(
                "the PDF has more than {MAX_PDF_IMAGES} images; give the sheets' pages only"
            )));
        }
        images.push(stream.decode()?);
    }
    if images.is_empty() {
        return Err(scan_error(
            "the PDF holds no scanned image. A PDF Keywarden saved draws its codes as \
             vectors: print it and scan the sheets, or render its pages first \
             (pdftoppm -r 300 -png kit.pdf page) and give the PNG files",
        ));
    }
    Ok(images)
}

/// An image stream of a PDF: its dictionary's entries and its bytes.
struct ImageStream<'a> {
    dict: Vec<Token<'a>>,
    bytes: &'a [u8],
    /// Where the bytes end in the file.
    end: usize,
}

/// Whether the `stream` keyword at `keyword` starts an image stream; if so, the stream.
fn image_stream(data: &[u8], keyword: usize) -> Result<Option<ImageStream<'_>>, KitError> {
    // `stream` must end its line and follow a dictionary: `N G obj << … >> stream`.
    let after = keyword + b"stream".len();
    let start = match data.get(after..after + 2) {
        Some([b'\r', b'\n']) => after + 2,
        Some([b'\n', _]) => after + 1,
        _ => return Ok(None),
    };
    let head = &data[..keyword];
    let before = head.iter().rposition(|b| !b.is_ascii_whitespace());
    if !before.is_some_and(|i| i > 0 && head[i - 1..=i] == *b">>") {
        return Ok(None);
    }
    let Some(obj) = rfind(head, b"obj") else {
        return Ok(None);
    };
    let dict = tokens(&head[obj + 3..]);
    if value(&dict, "Subtype") != Some(Token::Name("Image")) {
        return Ok(None);
    }
    let end = match value(&dict, "Length") {
        Some(Token::Number(n)) if !is_reference(&dict, "Length") => {
            let n = usize::try_from(n).map_err(|_| damaged("an image has a negative length"))?;
            start
                .checked_add(n)
                .filter(|end| *end <= data.len())
                .ok_or_else(|| damaged("an image runs past the end of the file"))?
        }
        // An indirect length: the data ends before `endstream`.
        _ => {
            let end =
                find(data, b"endstream", start).ok_or_else(|| damaged("an image has no end"))?;
            let mut end = end;
            while end > start && matches!(data[end - 1], b'\r' | b'\n') {
                end -= 1;
            }
            end
        }
    };
    Ok(Some(ImageStream {
        dict,
        bytes: &data[start..end],
        end,
    }))
}

impl ImageStream<'_> {
    /// The stream's pixels as grey levels.
    fn decode(&self) -> Result<GrayImage, KitError> {
        let filters: Vec<&str> = filters(&self.dict);
        match filters[..] {
            ["DCTDecode"] => decode(self.bytes, ImageFormat::Jpeg),
            ["FlateDecode"] => self.inflate(),
            [] => self.pixels(self.bytes.to_vec()),
            _ => Err(scan_error(format!(
                "the PDF stores its pages as {}, which Keywarden does not read; save the \
                 scan as PNG or JPEG",
                filters.join(" + ")
            ))),
        }
    }

    /// A Flate-compressed image, with or without PNG predictors.
    fn inflate(&self) -> Result<GrayImage, KitError> {
        let (width, height) = self.size()?;
        let channels = self.channels()?;
        // The pixels and one filter byte a row, at most: a bomb stops there.
        let limit = usize::try_from(u64::from(width) * u64::from(height) * 4 + u64::from(height))
            .unwrap_or(usize::MAX);
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(self.bytes, limit)
            .map_err(|_| damaged("an image's compressed data is damaged"))?;
        let predictor = number(&self.dict, "Predictor").unwrap_or(1);
        if predictor >= 10 {
            let row = usize::try_from(width).unwrap_or(usize::MAX) * channels;
            return self.pixels(unpredict(&raw, row, channels)?);
        }
        if predictor != 1 {
            return Err(scan_error(
                "the PDF's images use a TIFF predictor; save the scan as PNG or JPEG",
            ));
        }
        self.pixels(raw)
    }

    /// Width and height, checked against [`MAX_PIXELS`].
    fn size(&self) -> Result<(u32, u32), KitError> {
        let dimension = |key| {
            number(&self.dict, key)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| damaged("an image has no width or height"))
        };
        let (width, height) = (dimension("Width")?, dimension("Height")?);
        check_size(width, height)?;
        Ok((width, height))
    }

    /// Colour channels of 8-bit samples: 1 (grey), 3 (RGB) or 4 (CMYK).
    fn channels(&self) -> Result<usize, KitError> {
        if number(&self.dict, "BitsPerComponent") != Some(8) {
            return Err(scan_error(
                "the PDF's images are not 8 bits a sample (a black-and-white scan?); scan \
                 in grey or colour",
            ));
        }
        match value(&self.dict, "ColorSpace") {
            Some(Token::Name("DeviceGray" | "CalGray")) => Ok(1),
            Some(Token::Name("DeviceRGB" | "CalRGB")) => Ok(3),
            Some(Token::Name("DeviceCMYK")) => Ok(4),
            // An ICC profile or other space: told by /Colors, else assumed RGB.
            _ => match number(&self.dict, "Colors") {
                Some(1) => Ok(1),
                Some(4) => Ok(4),
                _ => Ok(3),
            },
        }
    }

    /// Raw 8-bit samples to grey levels.
    fn pixels(&self, samples: Vec<u8>) -> Result<GrayImage, KitError> {
        let (width, height) = self.size()?;
        let channels = self.channels()?;
        let count = usize::try_from(u64::from(width) * u64::from(height)).unwrap_or(usize::MAX);
        if samples.len() < count.saturating_mul(channels) {
            return Err(damaged("an image has fewer pixels than its size says"));
        }
        let image = match channels {
            1 => DynamicImage::ImageLuma8(
                GrayImage::from_raw(width, height, samples[..count].to_vec())
                    .ok_or_else(|| damaged("an image does not fit its size"))?,
            ),
            3 => DynamicImage::ImageRgb8(
                image::RgbImage::from_raw(width, height, samples[..count * 3].to_vec())
                    .ok_or_else(|| damaged("an image does not fit its size"))?,
            ),
            _ => {
                // CMYK: darkness is the sum of the inks.
                let grey = samples
                    .chunks_exact(4)
                    .take(count)
                    .map(|p| {
                        let ink = p.iter().map(|&v| u32::from(v)).sum::<u32>().min(255);
                        u8::try_from(255 - ink).unwrap_or(0)
                    })
                    .collect();
                DynamicImage::ImageLuma8(
                    GrayImage::from_raw(width, height, grey)
                        .ok_or_else(|| damaged("an image does not fit its size"))?,
                )
            }
        };
        Ok(image.into_luma8())
    }
}

fn damaged(reason: &str) -> KitError {
    scan_error(format!("the PDF is damaged: {reason}"))
}

/// Undoes PNG row filters (ISO 32000-1, 7.4.4.4; PNG section 9): every row starts with
/// its filter type.
fn unpredict(data: &[u8], row: usize, channels: usize) -> Result<Vec<u8>, KitError> {
    let stride = row + 1;
    if row == 0 || !data.len().is_multiple_of(stride) {
        return Err(damaged("an image's rows do not fit its width"));
    }
    let mut out = Vec::with_capacity(data.len() / stride * row);
    let mut previous = vec![0u8; row];
    for line in data.chunks_exact(stride) {
        let (kind, line) = (line[0], &line[1..]);
        let mut current = vec![0u8; row];
        for i in 0..row {
            let left = if i >= channels {
                current[i - channels]
            } else {
                0
            };
            let up = previous[i];
            let corner = if i >= channels {
                previous[i - channels]
            } else {
                0
            };
            let guess = match kind {
                0 => 0,
                1 => left,
                2 => up,
                3 => u8::try_from((u16::from(left) + u16::from(up)) / 2).unwrap_or(0),
                4 => paeth(left, up, corner),
                _ => return Err(damaged("an image row has an unknown PNG filter")),
            };
            current[i] = line[i].wrapping_add(guess);
        }
        out.extend_from_slice(&current);
        previous = current;
    }
    Ok(out)
}

/// The PNG Paeth predictor.
fn paeth(left: u8, up: u8, corner: u8) -> u8 {
    let p = i16::from(left) + i16::from(up) - i16::from(corner);
    let (pa, pb, pc) = (
        (p - i16::from(left)).abs(),
        (p - i16::from(up)).abs(),
        (p - i16::from(corner)).abs(),
    );
    if pa <= pb && pa <= pc {
        left
    } else if pb <= pc {
        up
    } else {
        corner
    }
}

/// The tokens of a PDF dictionary that matter here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Name(&'a str),
    Number(i64),
    Reference,
    Other,
}

/// Splits PDF dictionary text into names, integers and the `R` of references; strings,
/// arrays and nested dictionaries are flattened (their names and numbers kept), which
/// is enough to find an image's entries.
fn tokens(text: &[u8]) -> Vec<Token<'_>> {
    let delimiter = |b: u8| b.is_ascii_whitespace() || b"/[]<>()%".contains(&b);
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if b.is_ascii_whitespace() || b"[]<>()".contains(&b) {
            i += 1;
            continue;
        }
        let start = if b == b'/' { i + 1 } else { i };
        let mut end = start;
        while end < text.len() && !delimiter(text[end]) {
            end += 1;
        }
        let word = std::str::from_utf8(&text[start..end]).unwrap_or("");
        out.push(if b == b'/' {
            Token::Name(word)
        } else if word == "R" {
            Token::Reference
        } else if let Ok(n) = word.parse() {
            Token::Number(n)
        } else {
            Token::Other
        });
        i = end.max(i + 1);
    }
    out
}

/// The token after the name `key`.
fn value<'a>(dict: &[Token<'a>], key: &str) -> Option<Token<'a>> {
    let at = dict.iter().position(|t| *t == Token::Name(key))?;
    dict.get(at + 1).copied()
}

/// Whether `key`'s value is an indirect reference (`12 0 R`).
fn is_reference(dict: &[Token<'_>], key: &str) -> bool {
    dict.iter()
        .position(|t| *t == Token::Name(key))
        .and_then(|at| dict.get(at + 3))
        == Some(&Token::Reference)
}

/// An integer entry.
fn number(dict: &[Token<'_>], key: &str) -> Option<i64> {
    match value(dict, key)? {
        Token::Number(n) => Some(n),
        _ => None,
    }
}

/// The filter names after `/Filter` (one name, or an array of them).
fn filters<'a>(dict: &[Token<'a>]) -> Vec<&'a str> {
    let Some(at) = dict.iter().position(|t| *t == Token::Name("Filter")) else {
        return Vec::new();
    };
    dict[at + 1..]
        .iter()
        .map_while(|t| match t {
            Token::Name(n) if n.ends_with("Decode") => Some(*n),
            _ => None,
        })
        .collect()
}

/// The first `needle` in `data` at or after `from`.
fn find(data: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    data.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The last `needle` in `data`.
fn rfind(data: &[u8], needle: &[u8]) -> Option<usize> {
    data.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::cast_possible_truncation,
        reason = "tests"
    )]

    use image::codecs::jpeg::JpegEncoder;
    use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};
    use qrcode::{Color, QrCode};

    use super::*;

    const CODE: &str = "KW1 KW-28T5-CY4T 01/02 YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IHNjcnlwdCBk";
    const SHARE: &str = "academic acid academic acne academic academic academic academic";

    /// A white page of `width` × `height` pixels with each text's QR code drawn at 6
    /// pixels a module, side by side.
    fn page(texts: &[&str], width: u32, height: u32) -> GrayImage {
        let mut image = GrayImage::from_pixel(width, height, image::Luma([255]));
        let mut left = 40;
        for text in texts {
            let code = QrCode::new(text.as_bytes()).unwrap();
            let side = code.width() as u32;
            for (i, color) in code.to_colors().iter().enumerate() {
                if *color == Color::Dark {
                    let (x, y) = (i as u32 % side, i as u32 / side);
                    for dy in 0..6 {
                        for dx in 0..6 {
                            image.put_pixel(left + x * 6 + dx, 60 + y * 6 + dy, image::Luma([0]));
                        }
                    }
                }
            }
            left += side * 6 + 60;
        }
        image
    }

    fn png(image: &GrayImage) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    fn jpeg(image: &GrayImage, quality: u8) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, quality)
            .encode_image(image)
            .unwrap();
        out
    }

    /// A PDF with one page per image, each drawn full page, as a scanner writes them.
    /// `flate` stores the pixels Flate-compressed with PNG "Up" predictors, else JPEG.
    fn pdf(images: &[GrayImage], flate: bool) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let (catalog, pages) = (Ref::new(1), Ref::new(2));
        pdf.catalog(catalog).pages(pages);
        let kids: Vec<Ref> = (0..images.len())
            .map(|i| Ref::new(10 + 3 * i as i32))
            .collect();
        pdf.pages(pages)
            .kids(kids.iter().copied())
            .count(images.len() as i32);
        for (image, page_id) in images.iter().zip(&kids) {
            let (image_id, content_id) = (Ref::new(page_id.get() + 1), Ref::new(page_id.get() + 2));
            let (w, h) = image.dimensions();
            let data = if flate {
                let mut rows = Vec::new();
                let mut previous = vec![0u8; w as usize];
                for row in image.as_raw().chunks(w as usize) {
                    rows.push(2);
                    rows.extend(row.iter().zip(&previous).map(|(v, up)| v.wrapping_sub(*up)));
                    previous = row.to_vec();
                }
                miniz_oxide::deflate::compress_to_vec_zlib(&rows, 6)
            } else {
                jpeg(image, 75)
            };
            let mut xobject = pdf.image_xobject(image_id, &data);
            xobject
                .width(w as i32)
                .height(h as i32)
                .bits_per_component(8);
            xobject.color_space().device_gray();
            if flate {
                xobject.filter(Filter::FlateDecode);
                xobject
                    .decode_parms()
                    .predictor(pdf_writer::types::Predictor::PngOptimum)
                    .colors(1)
                    .columns(w as i32);
            } else {
                xobject.filter(Filter::DctDecode);
            }
            xobject.finish();
            let mut page = pdf.page(*page_id);
            page.media_box(Rect::new(0.0, 0.0, w as f32, h as f32))
                .parent(pages)
                .contents(content_id);
            page.resources().x_objects().pair(Name(b"Im1"), image_id);
            page.finish();
            let mut content = Content::new();
            content.save_state();
            content.transform([w as f32, 0.0, 0.0, h as f32, 0.0, 0.0]);
            content.x_object(Name(b"Im1"));
            content.restore_state();
            pdf.stream(content_id, &content.finish());
        }
        pdf.finish()
    }

    fn reason(result: Result<Scanned, KitError>) -> String {
        match result.unwrap_err() {
            KitError::Scan { reason } => reason,
            other => panic!("not a scan error: {other}"),
        }
    }

    #[test]
    fn a_png_page_gives_each_code_as_its_own_paragraph() {
        let scanned = read(&png(&page(&[CODE, SHARE], 900, 500))).unwrap();
        assert_eq!(scanned.codes, 2);
        assert_eq!(scanned.images, 1);
        let mut paragraphs: Vec<&str> = scanned.text.split("\n\n").collect();
        paragraphs.sort_unstable();
        assert_eq!(paragraphs, [CODE, SHARE]);
        assert_eq!(
            format!("{scanned:?}"),
            "Scanned { text: \"[redacted]\", codes: 2, images: 1 }"
        );
    }

    #[test]
    fn a_jpeg_at_quality_50_reads() {
        let scanned = read(&jpeg(&page(&[CODE], 500, 500), 50)).unwrap();
        assert_eq!(*scanned.text, CODE);
    }

    #[test]
    fn scanned_pdfs_give_the_codes_of_every_page_once() {
        let pages = [page(&[CODE], 500, 500), page(&[SHARE, CODE], 900, 500)];
        for flate in [false, true] {
            let scanned = read(&pdf(&pages, flate)).unwrap();
            assert_eq!(scanned.images, 2, "flate: {flate}");
            assert_eq!(scanned.codes, 2, "the same code on two pages counts once");
            assert!(scanned.text.contains(CODE) && scanned.text.contains(SHARE));
        }
    }

    #[test]
    fn files_that_are_no_scan_are_refused_with_what_to_do() {
        assert!(reason(read(b"KW1 KW-28T5-CY4T 01/01 YWdl")).contains("not a PNG, JPEG or PDF"));
        let blank = read(&png(&page(&[], 300, 300))).unwrap();
        assert_eq!((blank.codes, blank.images, blank.text.as_str()), (0, 1, ""));
        let mut cut = png(&page(&[CODE], 500, 500));
        cut.truncate(cut.len() / 2);
        assert!(reason(read(&cut)).contains("PNG image is damaged"));
        // A PDF as Keywarden saves it: vectors, no image.
        let vectors = b"%PDF-1.7\n1 0 obj\n<< /Length 9 >>\nstream\n0 0 m S\n\nendstream\nendobj\n";
        assert!(reason(read(vectors)).contains("pdftoppm -r 300 -png"));
        let encrypted = b"%PDF-1.7\ntrailer << /Encrypt 5 0 R >>\n";
        assert!(reason(read(encrypted)).contains("encrypted"));
    }

    #[test]
    fn pdf_images_are_checked_before_they_are_inflated() {
        let image = |dict: &str, data: &[u8]| {
            let mut pdf = format!("%PDF-1.4\n4 0 obj\n<< /Type /XObject /Subtype /Image {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
            pdf.extend_from_slice(data);
            pdf.extend_from_slice(b"\nendstream\nendobj\n");
            read(&pdf)
        };
        let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; 1 << 20], 9);
        let huge = "/Width 100000 /Height 100000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode";
        assert!(reason(image(huge, &bomb)).contains("100000 × 100000 pixels"));
        let small =
            "/Width 10 /Height 10 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode";
        assert!(reason(image(small, &bomb)).contains("compressed data is damaged"));
        assert!(reason(image(small, b"not zlib")).contains("compressed data is damaged"));
        let fax = "/Width 10 /Height 10 /BitsPerComponent 1 /Filter /CCITTFaxDecode";
        assert!(
            reason(image(fax, b"....")).contains("CCITTFaxDecode, which Keywarden does not read")
        );
        let short = "/Width 10 /Height 10 /ColorSpace /DeviceGray /BitsPerComponent 8";
        assert!(reason(image(short, &[0; 50])).contains("fewer pixels"));
        let past = b"%PDF-1.4\n4 0 obj\n<< /Subtype /Image /Width 1 /Height 1 /Length 99 >>\nstream\nab\nendstream\n";
        assert!(reason(read(past)).contains("past the end"));
    }

    #[test]
    fn a_page_the_qr_decoder_panics_on_gives_no_code() {
        // Found by the fuzz target: its first byte picks the JPEG magic bytes.
        let input = include_bytes!("../../tests/data/scan-rxing-overflow.bin");
        let mut file = b"\xff\xd8\xff".to_vec();
        file.extend_from_slice(&input[1..]);
        if let Ok(scanned) = read(&file) {
            assert_eq!(scanned.codes, 0);
        }
    }

    #[test]
    fn png_predictors_are_undone() {
        // Two rows of two grey pixels: "Sub" then "Paeth".
        let data = [1, 10, 5, 4, 3, 7];
        assert_eq!(unpredict(&data, 2, 1).unwrap(), [10, 15, 13, 22]);
        assert!(unpredict(&[9, 1, 2], 2, 1).is_err());
        assert!(unpredict(&[0, 1], 2, 1).is_err());
    }
}
