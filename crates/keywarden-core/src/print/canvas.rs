//! One page as it is drawn: the few operations printed pages use (gray fills and
//! strokes, rectangles, lines, a line of text, a QR code's modules), written as a PDF
//! content stream and, for the app's preview of a kit sheet, also as SVG, so that the
//! preview is the printed page and not a second layout. Coordinates are PDF points from the bottom-left
//! corner; the SVG flips them.

use std::fmt::Write as _;

use pdf_writer::{Content, Name, Str};
use zeroize::Zeroizing;

/// A page being drawn.
pub(crate) struct Canvas {
    pdf: Content,
    /// The SVG elements so far (`None`: PDF only).
    svg: Option<Zeroizing<String>>,
    /// The SVG path being built, drawn by the next stroke or fill.
    path: String,
    height: f32,
    fill: f32,
    stroke: f32,
    line_width: f32,
}

impl Canvas {
    /// An empty page `height` points tall; `svg` also records it as SVG.
    pub(crate) fn new(height: f32, svg: bool) -> Canvas {
        Canvas {
            pdf: Content::new(),
            svg: svg.then(|| Zeroizing::new(String::new())),
            path: String::new(),
            height,
            fill: 0.0,
            stroke: 0.0,
            line_width: 1.0,
        }
    }

    /// Sets the fill gray (0 black, 1 white).
    pub(crate) fn set_fill_gray(&mut self, gray: f32) -> &mut Self {
        self.pdf.set_fill_gray(gray);
        self.fill = gray;
        self
    }

    /// Sets the stroke gray.
    pub(crate) fn set_stroke_gray(&mut self, gray: f32) -> &mut Self {
        self.pdf.set_stroke_gray(gray);
        self.stroke = gray;
        self
    }

    /// Sets the stroke width in points.
    pub(crate) fn set_line_width(&mut self, width: f32) -> &mut Self {
        self.pdf.set_line_width(width);
        self.line_width = width;
        self
    }

    /// Starts a subpath at `(x, y)`.
    pub(crate) fn move_to(&mut self, x: f32, y: f32) -> &mut Self {
        self.pdf.move_to(x, y);
        if self.svg.is_some() {
            let _ = write!(self.path, "M{x:.2} {:.2}", self.height - y);
        }
        self
    }

    /// A straight line to `(x, y)`.
    pub(crate) fn line_to(&mut self, x: f32, y: f32) -> &mut Self {
        self.pdf.line_to(x, y);
        if self.svg.is_some() {
            let _ = write!(self.path, "L{x:.2} {:.2}", self.height - y);
        }
        self
    }

    /// A rectangle with its bottom-left corner at `(x, y)`.
    pub(crate) fn rect(&mut self, x: f32, y: f32, width: f32, height: f32) -> &mut Self {
        self.pdf.rect(x, y, width, height);
        if self.svg.is_some() {
            let top = self.height - y - height;
            let _ = write!(
                self.path,
                "M{x:.2} {top:.2}h{width:.2}v{height:.2}h{:.2}z",
                -width
            );
        }
        self
    }

    /// Strokes the path.
    pub(crate) fn stroke(&mut self) -> &mut Self {
        self.pdf.stroke();
        let (gray, width) = (self.stroke, self.line_width);
        self.draw_path(&format!(
            "fill=\"none\" stroke=\"{}\" stroke-width=\"{width:.2}\"",
            rgb(gray)
        ));
        self
    }

    /// Fills the path (nonzero winding).
    pub(crate) fn fill_nonzero(&mut self) -> &mut Self {
        self.pdf.fill_nonzero();
        let gray = self.fill;
        self.draw_path(&format!("fill=\"{}\"", rgb(gray)));
        self
    }

    fn draw_path(&mut self, paint: &str) {
        let path = std::mem::take(&mut self.path);
        if let Some(svg) = &mut self.svg {
            let _ = write!(svg, "<path d=\"{path}\" {paint}/>");
        }
    }

    /// One line of text in `font` (its PDF resource name and its SVG font attributes) at
    /// `size`, baseline at `(x, baseline)`, in the current fill gray. `winansi` is the
    /// text in WinAnsi for the PDF; `text` is the same text for the SVG.
    pub(crate) fn text(
        &mut self,
        font: (Name<'_>, &str),
        size: f32,
        (x, baseline): (f32, f32),
        winansi: &[u8],
        text: &str,
    ) -> &mut Self {
        self.pdf
            .begin_text()
            .set_font(font.0, size)
            .next_line(x, baseline)
            .show(Str(winansi))
            .end_text();
        let (y, fill) = (self.height - baseline, rgb(self.fill));
        if let Some(svg) = &mut self.svg {
            let _ = write!(
                svg,
                "<text x=\"{x:.2}\" y=\"{y:.2}\" {} font-size=\"{size:.2}\" fill=\"{fill}\" xml:space=\"preserve\">",
                font.1
            );
            escape_into(svg, text);
            svg.push_str("</text>");
        }
        self
    }

    /// Dark QR modules as runs `(row, first column, length)`, one module `module` points
    /// wide, the symbol's top-left module at `(x, top)`; all filled black as one path.
    pub(crate) fn modules(
        &mut self,
        (x, top): (f32, f32),
        module: f32,
        runs: &[(usize, usize, usize)],
    ) -> &mut Self {
        self.pdf.save_state();
        // One unit per module, y pointing down from the symbol's top-left corner.
        self.pdf.transform([module, 0.0, 0.0, -module, x, top]);
        self.pdf.set_fill_gray(0.0);
        for &(row, start, len) in runs {
            self.pdf.rect(start as f32, row as f32, len as f32, 1.0);
        }
        self.pdf.fill_nonzero();
        self.pdf.restore_state();
        if let Some(svg) = &mut self.svg {
            let _ = write!(
                svg,
                "<path transform=\"matrix({module:.4} 0 0 {module:.4} {x:.2} {:.2})\" fill=\"#000\" shape-rendering=\"crispEdges\" d=\"",
                self.height - top
            );
            for &(row, start, len) in runs {
                let _ = write!(svg, "M{start} {row}h{len}v1h-{len}z");
            }
            svg.push_str("\"/>");
        }
        self
    }

    /// The PDF content stream.
    pub(crate) fn into_pdf(self) -> Vec<u8> {
        self.pdf.finish().into_vec()
    }

    /// The page as a standalone SVG document `width` points wide, on white (empty
    /// unless the canvas records SVG).
    pub(crate) fn into_svg(self, width: f32) -> Zeroizing<String> {
        let body = self.svg.unwrap_or_default();
        let mut out = Zeroizing::new(String::with_capacity(body.len() + 256));
        let height = self.height;
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:.2} {height:.2}\" width=\"{width:.2}pt\" height=\"{height:.2}pt\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
        );
        out.push_str(&body);
        out.push_str("</svg>");
        out
    }
}

/// A gray level as an SVG colour.
fn rgb(gray: f32) -> String {
    let v = (gray.clamp(0.0, 1.0) * 255.0).round() as u8;
    format!("#{v:02x}{v:02x}{v:02x}")
}

/// Appends `text` with XML's special characters escaped.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_flips_the_y_axis_and_escapes_text() {
        let mut c = Canvas::new(100.0, true);
        c.set_fill_gray(0.5)
            .rect(10.0, 20.0, 30.0, 40.0)
            .fill_nonzero()
            .text(
                (Name(b"F1"), "font-family=\"Helvetica\""),
                9.0,
                (5.0, 90.0),
                b"a<b",
                "a<b",
            );
        let svg = c.into_svg(50.0);
        assert!(svg.contains("M10.00 40.00h30.00v40.00h-30.00z"), "{}", *svg);
        assert!(svg.contains("fill=\"#808080\""), "{}", *svg);
        assert!(svg.contains("y=\"10.00\""), "{}", *svg);
        assert!(svg.contains(">a&lt;b</text>"), "{}", *svg);
        assert!(
            svg.starts_with(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 50.00 100.00\""
            )
        );
    }

    #[test]
    fn without_svg_only_the_pdf_is_written() {
        let mut c = Canvas::new(100.0, false);
        c.rect(1.0, 2.0, 3.0, 4.0).stroke();
        assert!(c.path.is_empty());
        assert_eq!(c.into_svg(10.0).matches("<path").count(), 0);
    }
}
