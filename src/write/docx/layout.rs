//! The building blocks of a document in the layout of Nghị định 30/2020
//! (Appendix I): page, runs, paragraphs, the letterhead, tables and the
//! foot. Every run carries its font and size, so nothing depends on Word's
//! defaults.

use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, Header, InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin,
    Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Table,
    TableBorder, TableBorderPosition, TableBorders, TableCell, TableLayoutType, TableRow, VAlignType, WidthType,
};

use unicode_normalization::UnicodeNormalization;

use super::package::HEADER_ROW_HEIGHT;

pub const FONT: &str = "Times New Roman";

/// A4 portrait, in twips (1/20 pt; 1 mm ≈ 56.7 twips).
pub const PAGE_WIDTH: u32 = 11_906;
pub const PAGE_HEIGHT: u32 = 16_838;
/// Margins inside Nghị định 30's ranges: top and bottom 20 mm, left 30 mm,
/// right 15 mm.
pub const MARGIN_TOP: i32 = 1_134;
pub const MARGIN_BOTTOM: i32 = 1_134;
pub const MARGIN_LEFT: i32 = 1_701;
pub const MARGIN_RIGHT: i32 = 851;
/// The width between the margins.
pub const TEXT_WIDTH: usize = (PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT) as usize;
/// First-line indent of body paragraphs: 1.2 cm (Nghị định 30: 1–1.27 cm).
pub const FIRST_LINE: i32 = 680;
/// Space after a body paragraph: 6 pt.
pub const PARAGRAPH_AFTER: u32 = 120;

/// Letterhead and foot columns (twips): they add up to [`TEXT_WIDTH`].
pub const LEFT_COLUMN: usize = 4_000;
pub const RIGHT_COLUMN: usize = TEXT_WIDTH - LEFT_COLUMN;

/// Font size, weight and style of a run.
#[derive(Clone, Copy, Debug)]
pub struct Look {
    /// Points.
    pub size: usize,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
}

impl Look {
    pub const fn pt(size: usize) -> Look {
        Look {
            size,
            bold: false,
            italic: false,
            underline: false,
        }
    }
    pub const fn bold(mut self) -> Look {
        self.bold = true;
        self
    }
    pub const fn italic(mut self) -> Look {
        self.italic = true;
        self
    }
    pub const fn underline(mut self) -> Look {
        self.underline = true;
        self
    }
}

/// Times New Roman for every script slot.
pub fn fonts() -> RunFonts {
    RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT)
}

/// An empty run with the look's font, size and style.
fn styled(look: Look) -> Run {
    let mut run = Run::new().fonts(fonts()).size(look.size * 2);
    if look.bold {
        run = run.bold();
    }
    if look.italic {
        run = run.italic();
    }
    if look.underline {
        run = run.underline("single");
    }
    run
}

pub fn run(text: &str, look: Look) -> Run {
    styled(look).add_text(clean_text(text))
}

/// Text safe inside XML 1.0, the form every writer (xlsx, docx) puts in a
/// file: control characters other than tab, line feed and carriage return,
/// lone surrogates' stand-ins and the non-characters U+FFFE/U+FFFF are
/// invalid there, so each is replaced by a space; the text is also NFC.
/// Writers call this on any text that comes from an input (unit and bloc
/// names, notes, messages quoting cells).
pub fn xml_text(text: &str) -> String {
    text.nfc().map(|c| if xml_char(c) { c } else { ' ' }).collect()
}

/// Whether `c` may appear in an XML 1.0 document.
pub fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` as [`xml_text`] makes it (NFC, characters XML cannot
/// hold as spaces), without normalising what is already NFC and clean:
/// nearly every text is, and normalising is the dearest step of a run.
fn clean_text(text: &str) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized};
    if text.chars().all(xml_char) && is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.to_string()
    } else {
        xml_text(text)
    }
}

/// A paragraph with single line spacing, no space around, and the look on
/// its mark (so an empty paragraph has the right height).
pub fn paragraph(align: AlignmentType, look: Look) -> Paragraph {
    let mut p = Paragraph::new()
        .align(align)
        .fonts(fonts())
        .size(look.size * 2)
        .line_spacing(spacing(0, 0));
    if look.bold {
        p = p.bold();
    }
    if look.italic {
        p = p.italic();
    }
    p
}

pub fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new()
        .before(before)
        .after(after)
        .line(240)
        .line_rule(LineSpacingType::Auto)
}

/// One line of text.
pub fn line(text: &str, align: AlignmentType, look: Look) -> Paragraph {
    paragraph(align, look).add_run(run(text, look))
}

/// Lines of text in one paragraph, separated by line breaks (`w:br`).
pub fn lines(texts: &[String], align: AlignmentType, look: Look) -> Paragraph {
    texts.iter().enumerate().fold(paragraph(align, look), |p, (i, text)| {
        let p = if i > 0 {
            p.add_run(styled(look).add_break(BreakType::TextWrapping))
        } else {
            p
        };
        p.add_run(run(text, look))
    })
}

/// Approximate advance of `c` in Times New Roman Bold, in thousandths of an
/// em (the regular face is a little narrower, so this errs on the safe side).
fn advance(c: char) -> u32 {
    let upper = c.is_uppercase();
    let base = crate::text::fold(&c.to_string()).chars().next().unwrap_or(' ');
    match base {
        ' ' | '.' | ',' | ':' | ';' => 250,
        '-' | '(' | ')' | '/' => 333,
        '0'..='9' => 500,
        'i' if upper => 389,
        'j' if upper => 500,
        's' if upper => 556,
        'f' | 'p' if upper => 611,
        'b' | 'e' | 'l' | 't' | 'z' if upper => 667,
        'g' | 'h' | 'k' | 'o' | 'q' => {
            if upper {
                778
            } else {
                556
            }
        }
        'm' if upper => 944,
        'w' if upper => 1_000,
        _ if upper => 722,
        'i' | 'j' | 'l' => 278,
        'f' | 'r' | 't' => 333,
        'm' => 833,
        'w' => 722,
        _ => 500,
    }
}

/// Approximate width of `text` at `size` points, in twips.
pub fn text_width(text: &str, size: usize) -> usize {
    let thousandths: u32 = text.chars().map(advance).sum();
    thousandths as usize * size * 20 / 1_000
}

/// Splits an upper-case name (issuing body, signing authority) into lines
/// that fit `width` twips at `size` points, breaking where an official
/// letterhead would: never at a ` - ` (`KINH TẾ - KỸ THUẬT` stays whole),
/// right after `THI ĐUA` when the line reaches it (`KHỐI THI ĐUA` /
/// `VĂN HÓA - XÃ HỘI`), else before `VÀ`, `CÁC`, `CỦA`, `TRỰC THUỘC` when
/// that fills at least half the line. Line breaks already in the
/// text (`\n`, e.g. in the bloc's `issuer` setting) are kept as they are.
pub fn wrap_name(text: &str, width: usize, size: usize) -> Vec<String> {
    if text.contains('\n') {
        return text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
    }
    // Words, with a dash glued to its neighbours.
    let mut words: Vec<String> = Vec::new();
    let mut glue = false;
    for token in text.split_whitespace() {
        let dash = matches!(token, "-" | "–" | "—");
        match words.last_mut() {
            Some(last) if dash || glue => {
                last.push(' ');
                last.push_str(token);
            }
            _ => words.push(token.to_string()),
        }
        glue = dash;
    }
    let fits = |from: usize, to: usize| text_width(&words[from..to].join(" "), size) <= width;
    let folded: Vec<String> = words.iter().map(|w| crate::text::fold(w)).collect();
    let after_emulation = |k: usize| k >= 2 && folded[k - 1] == "dua" && folded[k - 2] == "thi";
    let before_joint = |k: usize| matches!(folded[k].as_str(), "va" | "cac" | "cua" | "truc");
    let mut out = Vec::new();
    let mut start = 0;
    while start < words.len() {
        // The longest run of words that fits (at least one word).
        let mut end = start + 1;
        while end < words.len() && fits(start, end + 1) {
            end += 1;
        }
        if end < words.len() {
            let half = |k: usize| 2 * text_width(&words[start..k].join(" "), size) >= width;
            let preferred = (start + 1..=end)
                .rev()
                .find(|&k| after_emulation(k))
                .or_else(|| (start + 1..=end).rev().find(|&k| before_joint(k) && half(k)));
            if let Some(k) = preferred {
                end = k;
            }
        }
        out.push(words[start..end].join(" "));
        start = end;
    }
    out
}

/// A justified body paragraph with a first-line indent and 6 pt after.
pub fn body(text: &str, look: Look) -> Paragraph {
    line(text, AlignmentType::Both, look)
        .indent(None, Some(SpecialIndentType::FirstLine(FIRST_LINE)), None, None)
        .line_spacing(spacing(0, PARAGRAPH_AFTER))
}

/// A short centred rule `length` twips long in a column `width` wide: an
/// empty, 2 pt high paragraph with a top border.
pub fn rule(width: usize, length: usize) -> Paragraph {
    let side = (width.saturating_sub(length) / 2) as i32;
    let mut p = paragraph(AlignmentType::Center, Look::pt(2))
        .indent(Some(side), None, Some(side), None)
        .line_spacing(
            LineSpacing::new()
                .before(0)
                .after(0)
                .line(40)
                .line_rule(LineSpacingType::Exact),
        );
    // Only the top border: docx-rs's default borders box the paragraph.
    p.property = p.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Top)
                .val(BorderType::Single)
                .size(6)
                .space(0)
                .color("000000"),
        ),
    );
    p
}

/// A4 portrait, the margins, and Times New Roman 14 as the default style;
/// page numbers centred in the header from page 2 on.
pub fn page(created: &str) -> Docx {
    Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(567)
                .footer(567)
                .gutter(0),
        )
        .default_fonts(fonts())
        .default_size(28)
        .header(Header::new().add_paragraph(page_number()))
        .first_header(Header::new().add_paragraph(paragraph(AlignmentType::Center, Look::pt(13))))
        .created_at(created)
        .updated_at(created)
}

/// The PAGE field, centred, 13 pt.
fn page_number() -> Paragraph {
    let look = Look::pt(13);
    paragraph(AlignmentType::Center, look)
        .add_run(styled(look).add_field_char(docx_rs::FieldCharType::Begin, false))
        .add_run(styled(look).add_instr_text(InstrText::PAGE(InstrPAGE::new())))
        .add_run(styled(look).add_field_char(docx_rs::FieldCharType::Separate, false))
        .add_run(run("2", look))
        .add_run(styled(look).add_field_char(docx_rs::FieldCharType::End, false))
}

/// A table cell of a fixed width holding `paragraphs`.
pub fn cell(width: usize, paragraphs: Vec<Paragraph>) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new().width(width, WidthType::Dxa), TableCell::add_paragraph)
}

/// A borderless table of fixed columns (letterhead, foot).
pub fn borderless(grid: &[usize], rows: Vec<TableRow>) -> Table {
    Table::without_borders(rows)
        .set_grid(grid.to_vec())
        .width(grid.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .set_borders(TableBorders::with_empty())
        .margins(docx_rs::TableCellMargins::new().margin(0, 57, 0, 57))
}

/// [`data_table`], or when there are no rows, the header and one row
/// across the table saying so (`empty`, in italics).
pub fn data_table_or(
    columns: &[(&str, usize)],
    rows: Vec<Vec<(String, AlignmentType)>>,
    look: Look,
    empty: &str,
) -> Table {
    let none = rows.is_empty();
    let table = data_table(columns, rows, look);
    if none {
        table.add_row(spanning_row(empty, TEXT_WIDTH, columns.len(), look.italic()))
    } else {
        table
    }
}

/// A data table: 0.5 pt borders, fixed columns, a header row repeated on
/// every page, rows that do not split across pages.
pub fn data_table(columns: &[(&str, usize)], rows: Vec<Vec<(String, AlignmentType)>>, look: Look) -> Table {
    let grid: Vec<usize> = columns.iter().map(|(_, w)| *w).collect();
    let header = TableRow::new(
        columns
            .iter()
            .map(|(title, width)| {
                cell(*width, vec![line(title, AlignmentType::Center, look.bold())]).vertical_align(VAlignType::Center)
            })
            .collect(),
    )
    .row_height(HEADER_ROW_HEIGHT as f32)
    .height_rule(docx_rs::HeightRule::AtLeast)
    .cant_split();
    let mut table_rows = vec![header];
    for row in rows {
        table_rows.push(data_row(row, &grid, look));
    }
    let borders = [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ]
    .into_iter()
    .fold(TableBorders::with_empty(), |b, pos| {
        b.set(
            TableBorder::new(pos)
                .border_type(BorderType::Single)
                .size(4)
                .color("000000"),
        )
    });
    Table::new(table_rows)
        .set_grid(grid.clone())
        .width(grid.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .set_borders(borders)
        .margins(docx_rs::TableCellMargins::new().margin(28, 57, 28, 57))
}

/// A row of a data table: one line of text per cell, the cells `grid`
/// wide, the row kept on one page.
pub fn data_row(cells: Vec<(String, AlignmentType)>, grid: &[usize], look: Look) -> TableRow {
    let cells = cells
        .into_iter()
        .zip(grid)
        .map(|((text, align), width)| cell(*width, vec![line(&text, align, look)]).vertical_align(VAlignType::Center))
        .collect();
    TableRow::new(cells).cant_split()
}

/// A row of a data table whose one cell spans every column.
pub fn spanning_row(text: &str, width: usize, columns: usize, look: Look) -> TableRow {
    TableRow::new(vec![
        cell(width, vec![line(text, AlignmentType::Center, look)]).grid_span(columns)
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_replaces_invalid_characters() {
        assert_eq!(xml_text("A\u{1}B\u{1f}C\tD\nE"), "A B C\tD\nE");
        assert_eq!(xml_text("x\u{FFFE}y\u{FFFF}"), "x y ");
        assert_eq!(xml_text("<&>\"'"), "<&>\"'");
        let nfd: String = "Sở".nfd().collect();
        assert_eq!(xml_text(&nfd), "Sở");
        assert!(xml_text("\u{0}\u{8}\u{b}\u{c}\u{e}").chars().all(xml_char));
    }

    #[test]
    fn clean_text_is_xml_text() {
        for text in [
            "Khối thi đua số 1",
            "Ho\u{0300}a Bi\u{0300}nh",
            "A\u{0}B\u{1}C\tD",
            "Trường THPT Lê Quý Đôn \u{FFFE}",
            "",
        ] {
            assert_eq!(clean_text(text), xml_text(text), "{text:?}");
        }
    }

    /// The usable width of the letterhead's left column, at 13 pt.
    fn issuer(text: &str) -> Vec<String> {
        wrap_name(text, LEFT_COLUMN - 114, 13)
    }

    #[test]
    fn a_short_name_stays_on_one_line() {
        assert_eq!(issuer("KHỐI THI ĐUA SỐ 1"), vec!["KHỐI THI ĐUA SỐ 1"]);
    }

    #[test]
    fn long_bloc_names_break_after_thi_dua_and_never_at_a_dash() {
        assert_eq!(
            issuer("KHỐI THI ĐUA KINH TẾ - KỸ THUẬT"),
            vec!["KHỐI THI ĐUA", "KINH TẾ - KỸ THUẬT"]
        );
        assert_eq!(
            issuer("KHỐI THI ĐUA VĂN HÓA - XÃ HỘI"),
            vec!["KHỐI THI ĐUA", "VĂN HÓA - XÃ HỘI"]
        );
        assert_eq!(
            wrap_name("TM. KHỐI THI ĐUA VĂN HÓA - XÃ HỘI", RIGHT_COLUMN - 114, 14),
            vec!["TM. KHỐI THI ĐUA", "VĂN HÓA - XÃ HỘI"]
        );
    }

    #[test]
    fn very_long_names_fill_lines_and_keep_every_word() {
        let name = "KHỐI THI ĐUA CÁC DOANH NGHIỆP NHÀ NƯỚC VÀ ĐƠN VỊ SỰ NGHIỆP CÔNG LẬP TRỰC THUỘC UBND TỈNH";
        let lines = issuer(name);
        assert!(lines.len() >= 3, "{lines:?}");
        assert_eq!(lines[0], "KHỐI THI ĐUA");
        assert_eq!(lines.join(" "), name);
        for line in &lines {
            assert!(text_width(line, 13) <= LEFT_COLUMN - 114, "{line}");
        }
    }

    #[test]
    fn line_breaks_in_the_setting_are_kept() {
        assert_eq!(
            issuer("KHỐI THI ĐUA CÁC DOANH NGHIỆP\nVÀ ĐƠN VỊ SỰ NGHIỆP"),
            vec!["KHỐI THI ĐUA CÁC DOANH NGHIỆP", "VÀ ĐƠN VỊ SỰ NGHIỆP"]
        );
    }
}
