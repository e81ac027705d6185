//! The layout cursor of printed pages: it moves down the page and starts a new page when
//! the next block does not fit; every block measures itself first.

use super::canvas::Canvas;
use super::font::{COMMAND, FOOTER, Font, HEADING, LABEL, Style, fit, show, wrap};
use super::paper::Paper;

/// Left and right margins, in points.
pub(crate) const MARGIN_X: f32 = 50.0;
/// From the top edge to the first line.
pub(crate) const MARGIN_TOP: f32 = 52.0;
/// Content stops this high above the bottom edge; the footer sits below.
pub(crate) const MARGIN_BOTTOM: f32 = 62.0;
/// The footer's baseline.
const FOOTER_Y: f32 = 32.0;

/// The footer of one page: a rule, `about` (cut to fit) at the left and "page N of M" at
/// the right.
pub(crate) fn footer(page: &mut Canvas, paper: Paper, about: &str, number: usize, count: usize) {
    let (width, _) = paper.size_pt();
    let (left, right) = (MARGIN_X, width - MARGIN_X);
    page.set_stroke_gray(0.6)
        .set_line_width(0.5)
        .move_to(left, FOOTER_Y + 12.0)
        .line_to(right, FOOTER_Y + 12.0)
        .stroke();
    let place = format!("page {number} of {count}");
    let place_width = FOOTER.width(&place);
    show(page, FOOTER, right - place_width, FOOTER_Y, &place);
    let about = fit(FOOTER, about, right - left - place_width - 24.0);
    show(page, FOOTER, left, FOOTER_Y, &about);
}

/// Pages being laid out, and the cursor: `y` is the top of the next line, in points
/// from the bottom edge.
pub(crate) struct Layout {
    width: f32,
    height: f32,
    done: Vec<Canvas>,
    /// The page being drawn.
    pub(crate) page: Canvas,
    /// Pages are recorded as SVG too.
    svg: bool,
    /// The top of the next line, in points from the bottom edge.
    pub(crate) y: f32,
    /// Nothing is on the current page yet.
    pub(crate) fresh: bool,
}

impl Layout {
    pub(crate) fn new(paper: Paper, svg: bool) -> Layout {
        let (width, height) = paper.size_pt();
        Layout {
            width,
            height,
            done: Vec::new(),
            page: Canvas::new(height, svg),
            svg,
            y: height - MARGIN_TOP,
            fresh: true,
        }
    }

    pub(crate) fn left(&self) -> f32 {
        MARGIN_X
    }

    pub(crate) fn right(&self) -> f32 {
        self.width - MARGIN_X
    }

    /// The width of the text column.
    pub(crate) fn measure(&self) -> f32 {
        self.right() - self.left()
    }

    /// Starts a new page (unless the current one is still empty).
    pub(crate) fn new_page(&mut self) {
        if self.fresh {
            return;
        }
        let page = std::mem::replace(&mut self.page, Canvas::new(self.height, self.svg));
        self.done.push(page);
        self.y = self.height - MARGIN_TOP;
        self.fresh = true;
    }

    /// Makes room for a block `height` points tall: a new page when it does not fit the
    /// rest of this one. Returns whether a page was started.
    pub(crate) fn ensure(&mut self, height: f32) -> bool {
        if self.y - height < MARGIN_BOTTOM && !self.fresh {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// Vertical space, dropped at the top of a page.
    pub(crate) fn space(&mut self, height: f32) {
        if !self.fresh {
            self.y -= height;
        }
    }

    /// The baseline of a line of `style` whose box starts at `top`.
    pub(crate) fn baseline(style: Style, top: f32) -> f32 {
        // Helvetica's caps rise 0.72 em and its descenders fall 0.21 em: centre that.
        top - (style.leading - 0.93 * style.size) / 2.0 - 0.72 * style.size
    }

    /// Sets text at the cursor's line, at `x`, without moving the cursor.
    pub(crate) fn put(&mut self, style: Style, x: f32, text: &str) {
        let baseline = Layout::baseline(style, self.y);
        show(&mut self.page, style, x, baseline, text);
        self.fresh = false;
    }

    /// One line of text at `x`; the cursor moves down.
    pub(crate) fn line(&mut self, style: Style, x: f32, text: &str) {
        self.ensure(style.leading);
        self.put(style, x, text);
        self.y -= style.leading;
    }

    /// The height of [`Layout::paragraph`]'s lines.
    pub(crate) fn paragraph_height(&self, style: Style, indent: f32, text: &str) -> f32 {
        style.leading * wrap(style, text, self.measure() - indent).len() as f32
    }

    /// A wrapped paragraph, `indent` points in.
    pub(crate) fn paragraph(&mut self, style: Style, indent: f32, text: &str) {
        let x = self.left() + indent;
        for line in wrap(style, text, self.measure() - indent) {
            self.line(style, x, &line);
        }
    }

    /// A section heading, kept on a page with the first `keep` points below it.
    pub(crate) fn heading(&mut self, text: &str, keep: f32) {
        self.heading_in(HEADING, text, keep);
    }

    /// A heading in `style`, with space above it in proportion.
    pub(crate) fn heading_in(&mut self, style: Style, text: &str, keep: f32) {
        self.space(style.size * 0.8);
        self.ensure(style.leading + 2.0 + keep);
        let x = self.left();
        self.line(style, x, text);
        self.space(2.0);
    }

    /// A label in the left column and its wrapped value beside it, kept together.
    pub(crate) fn labelled(
        &mut self,
        indent: f32,
        label_width: f32,
        label: &str,
        value: Style,
        text: &str,
    ) {
        self.row(indent, label_width, &[(label, value, text)]);
    }

    /// Labelled values side by side in equal columns, each wrapped in its own; the row is
    /// kept together.
    pub(crate) fn row(&mut self, indent: f32, label_width: f32, cells: &[(&str, Style, &str)]) {
        let column = (self.measure() - indent) / cells.len().max(1) as f32;
        let gutter = if cells.len() > 1 { 8.0 } else { 0.0 };
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .map(|(_, value, text)| wrap(*value, text, column - label_width - gutter))
            .collect();
        let height = cells
            .iter()
            .zip(&wrapped)
            .map(|((_, value, _), lines)| value.leading * lines.len() as f32)
            .fold(0.0, f32::max);
        self.ensure(height);
        let top = self.y;
        for (i, ((label, value, _), lines)) in cells.iter().zip(&wrapped).enumerate() {
            let x = self.left() + indent + i as f32 * column;
            let label_style = Style {
                leading: value.leading,
                ..LABEL
            };
            self.y = top;
            self.put(label_style, x, label);
            for line in lines {
                self.put(*value, x + label_width, line);
                self.y -= value.leading;
            }
        }
        self.y = top - height;
    }

    /// A thin rule across the column.
    pub(crate) fn rule(&mut self) {
        self.space(6.0);
        let (left, right, y) = (self.left(), self.right(), self.y);
        self.page
            .set_stroke_gray(0.6)
            .set_line_width(0.5)
            .move_to(left, y)
            .line_to(right, y)
            .stroke();
        self.fresh = false;
        self.y -= 6.0;
    }

    /// Commands in monospace on a light panel, `indent` points in.
    pub(crate) fn commands(&mut self, indent: f32, commands: &[String]) {
        let room = self.measure() - indent - 12.0;
        let lines: Vec<String> = commands
            .iter()
            .flat_map(|c| {
                if COMMAND.width(c) <= room {
                    vec![c.clone()]
                } else {
                    wrap(COMMAND, c, room)
                }
            })
            .collect();
        let height = COMMAND.leading * lines.len() as f32 + 6.0;
        self.space(2.0);
        self.ensure(height);
        let (x, y, w) = (self.left() + indent, self.y, self.measure() - indent);
        self.page
            .set_fill_gray(0.93)
            .rect(x, y - height, w, height)
            .fill_nonzero()
            .set_fill_gray(0.0);
        self.fresh = false;
        self.y -= 3.0;
        for line in &lines {
            self.put(COMMAND, x + 6.0, line);
            self.y -= COMMAND.leading;
        }
        self.y -= 5.0;
    }

    /// A numbered step: its text, then its commands.
    pub(crate) fn step(&mut self, style: Style, number: usize, text: &str, commands: &[String]) {
        const HANG: f32 = 16.0;
        let lines = wrap(style, text, self.measure() - HANG);
        let first = style.leading + if commands.is_empty() { 0.0 } else { 20.0 };
        self.ensure(first.max(style.leading * lines.len().min(3) as f32));
        let x = self.left();
        let bold = Style {
            font: Font::SansBold,
            ..style
        };
        self.put(bold, x, &format!("{number}."));
        for line in &lines {
            self.line(style, x + HANG, line);
        }
        if !commands.is_empty() {
            self.commands(HANG, commands);
        }
        self.space(3.0);
    }

    /// The finished pages.
    pub(crate) fn finish(mut self) -> Vec<Canvas> {
        if !self.fresh || self.done.is_empty() {
            self.done.push(self.page);
        }
        self.done
    }
}
