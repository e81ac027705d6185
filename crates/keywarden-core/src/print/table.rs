//! Tables on printed pages: a heading row on a gray band, repeated at the top of each
//! page the table runs onto, and rows whose cells wrap within their columns and are
//! never split across pages.

use super::font::{Font, Style, wrap};
use super::layout::Layout;

/// The column headings' style.
const HEAD: Style = Style::new(Font::SansBold, 7.5, 10.0);
/// Room around a cell's text, in points.
const PAD: f32 = 3.0;
/// The most lines a cell shows, so that a row always fits a page; a longer one ends in
/// `…`.
const MAX_LINES: usize = 24;

/// One column: its heading and its share of the text column's width.
pub(crate) struct Column<'a> {
    /// The heading.
    pub(crate) title: &'a str,
    /// Its share of the width (the shares of a table add up to at most 1).
    pub(crate) share: f32,
}

/// One cell: paragraphs, each in its own style, stacked and wrapped to the column.
pub(crate) type Cell = Vec<(Style, String)>;

/// A table of `rows` under the `columns`' headings, from the cursor down.
pub(crate) fn table(l: &mut Layout, columns: &[Column<'_>], rows: &[Vec<Cell>]) {
    let widths: Vec<f32> = columns.iter().map(|c| c.share * l.measure()).collect();
    let head_lines: Vec<Vec<String>> = columns
        .iter()
        .zip(&widths)
        .map(|(c, w)| wrap(HEAD, c.title, w - 2.0 * PAD))
        .collect();
    let head_height = padded(
        head_lines
            .iter()
            .map(|lines| HEAD.leading * lines.len() as f32),
    );
    let laid: Vec<Vec<Vec<(Style, String)>>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&widths)
                .map(|(cell, w)| cell_lines(cell, w - 2.0 * PAD))
                .collect()
        })
        .collect();
    let heights: Vec<f32> = laid
        .iter()
        .map(|row| {
            padded(
                row.iter()
                    .map(|lines| lines.iter().map(|(s, _)| s.leading).sum()),
            )
        })
        .collect();
    l.space(2.0);
    l.ensure(head_height + heights.first().copied().unwrap_or(0.0));
    heading_row(l, &widths, &head_lines, head_height);
    for (row, height) in laid.iter().zip(&heights) {
        if l.ensure(*height) {
            heading_row(l, &widths, &head_lines, head_height);
        }
        let top = l.y;
        let mut x = l.left();
        for (lines, width) in row.iter().zip(&widths) {
            l.y = top - PAD;
            for (style, text) in lines {
                l.put(*style, x + PAD, text);
                l.y -= style.leading;
            }
            x += width;
        }
        l.y = top - height;
        let (left, right, y) = (l.left(), l.left() + widths.iter().sum::<f32>(), l.y);
        l.page
            .set_stroke_gray(0.7)
            .set_line_width(0.4)
            .move_to(left, y)
            .line_to(right, y)
            .stroke();
    }
    l.space(6.0);
}

/// The gray band of headings at the cursor.
fn heading_row(l: &mut Layout, widths: &[f32], lines: &[Vec<String>], height: f32) {
    let (left, top) = (l.left(), l.y);
    l.page
        .set_fill_gray(0.9)
        .rect(left, top - height, widths.iter().sum(), height)
        .fill_nonzero()
        .set_fill_gray(0.0);
    let mut x = left;
    for (lines, width) in lines.iter().zip(widths) {
        l.y = top - PAD;
        for line in lines {
            l.put(HEAD, x + PAD, line);
            l.y -= HEAD.leading;
        }
        x += width;
    }
    l.y = top - height;
}

/// A cell's lines in their styles, wrapped to `width` and cut at [`MAX_LINES`].
fn cell_lines(cell: &Cell, width: f32) -> Vec<(Style, String)> {
    let mut lines: Vec<(Style, String)> = cell
        .iter()
        .flat_map(|(style, text)| {
            wrap(*style, text, width)
                .into_iter()
                .map(move |line| (*style, line))
        })
        .collect();
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        if let Some((_, last)) = lines.last_mut() {
            last.push('…');
        }
    }
    lines
}

/// The tallest of `heights` with the cells' padding.
fn padded(heights: impl Iterator<Item = f32>) -> f32 {
    heights.fold(0.0, f32::max) + 2.0 * PAD
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::Paper;
    use crate::print::font::BODY;

    #[test]
    fn long_cells_wrap_and_stop_at_the_line_limit() {
        let cell: Cell = vec![(BODY, "word ".repeat(400))];
        let lines = cell_lines(&cell, 100.0);
        assert_eq!(lines.len(), MAX_LINES);
        assert!(lines.last().unwrap().1.ends_with('…'));
        assert!(
            lines[..MAX_LINES - 1]
                .iter()
                .all(|(s, t)| s.width(t) <= 100.0)
        );
    }

    #[test]
    fn rows_flow_onto_new_pages_each_with_the_headings() {
        let mut l = Layout::new(Paper::A4, false);
        let columns = [
            Column {
                title: "Name",
                share: 0.5,
            },
            Column {
                title: "State",
                share: 0.5,
            },
        ];
        let rows: Vec<Vec<Cell>> = (0..200)
            .map(|i| {
                vec![
                    vec![(BODY, format!("key {i}"))],
                    vec![(BODY, "active".to_owned())],
                ]
            })
            .collect();
        table(&mut l, &columns, &rows);
        let pages = l.finish();
        assert!(pages.len() >= 4, "{}", pages.len());
    }
}
