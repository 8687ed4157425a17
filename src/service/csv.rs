//! CSV both ways, with no I/O of its own: cells for exports (quoted, formulas defused) and an
//! incremental reader for imports that is fed raw byte chunks as they arrive.
//!
//! The reader decodes (UTF-8, with or without a BOM, or GBK) and splits records (RFC 4180:
//! `"` quotes, `""` escapes, CRLF or LF) in one pass, holding only the record being read, so
//! memory does not grow with the file. It is strict where a lenient reader would guess: a
//! quote left open, a quote in the middle of an unquoted cell or text after a closing quote,
//! and bytes that are not valid in the encoding are `Error::BadFile` naming the line.

use encoding_rs::{DecoderResult, Encoding, GBK, UTF_8};

use crate::error::{Error, Result};

/// The UTF-8 byte order mark; exports start with it so spreadsheets read Chinese names.
pub const BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// A cell longer than this is refused (it is almost always an unclosed quote swallowing the file).
pub const MAX_CELL_CHARS: usize = 100_000;
/// A record with more cells than this is refused.
pub const MAX_CELLS: usize = 500;

/// One CSV cell, quoted when needed and defused when a spreadsheet would run it as a formula.
pub fn cell(raw: &str) -> String {
    let s = if raw.starts_with(['=', '+', '-', '@']) {
        format!("'{raw}")
    } else {
        raw.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Undoes [`cell`]'s formula defusing on import: `'=SUM(A1)` reads back as `=SUM(A1)`, so an
/// export imports unchanged. (A leading `'` before anything else is kept.)
pub fn undefuse(raw: &str) -> &str {
    match raw.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => raw,
    }
}

/// Appends one row of cells and CRLF.
pub fn push_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell(c.as_ref()));
    }
    out.push_str("\r\n");
}

/// Which text encoding to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    Gbk,
    /// UTF-8 if the file starts with a BOM or its first 64 KiB are valid UTF-8, else GBK.
    Detect,
}

/// One record: its number (the header is record 1), the line it starts on, and its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub row: u64,
    pub line: u64,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a cell.
    CellStart,
    /// Inside a cell that did not start with a quote.
    Unquoted,
    /// Inside a quoted cell.
    Quoted,
    /// Just after a quote inside a quoted cell: the end of the cell, or the first half of `""`.
    QuoteInQuoted,
    /// After a CR that ended a record (an LF may follow).
    AfterCr,
}

/// How many bytes to look at before deciding between UTF-8 and GBK.
const SNIFF: usize = 64 * 1024;

/// The incremental reader: `feed` chunks of bytes, take complete records with `next_record`,
/// then `finish` at the end of the input.
pub struct Reader {
    charset: Charset,
    decoder: Option<encoding_rs::Decoder>,
    /// Bytes held back while sniffing the encoding (at most [`SNIFF`]) and at the very start
    /// (to see a BOM).
    pending: Vec<u8>,
    started: bool,
    state: State,
    cell: String,
    cell_chars: usize,
    cells: Vec<String>,
    line: u64,
    record_line: u64,
    quote_line: u64,
    rows: u64,
    out: std::collections::VecDeque<Record>,
    chosen: Option<&'static Encoding>,
}

impl Reader {
    pub fn new(charset: Charset) -> Self {
        Self {
            charset,
            decoder: None,
            pending: Vec::new(),
            started: false,
            state: State::CellStart,
            cell: String::new(),
            cell_chars: 0,
            cells: Vec::new(),
            line: 1,
            record_line: 1,
            quote_line: 1,
            rows: 0,
            out: std::collections::VecDeque::new(),
            chosen: None,
        }
    }

    /// The encoding in use, once chosen ("UTF-8" or "GBK").
    pub fn encoding(&self) -> Option<&'static str> {
        self.chosen.map(Encoding::name)
    }

    /// Takes the next complete record, if any.
    pub fn next_record(&mut self) -> Option<Record> {
        self.out.pop_front()
    }

    /// Feeds the next chunk of the file.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<()> {
        if self.decoder.is_none() {
            self.pending.extend_from_slice(bytes);
            if !self.choose(false) {
                return Ok(());
            }
            let held = std::mem::take(&mut self.pending);
            return self.decode(&held, false);
        }
        self.decode(bytes, false)
    }

    /// Ends the input: a quote left open or bytes cut off mid-character are errors.
    pub fn finish(&mut self) -> Result<()> {
        if self.decoder.is_none() {
            self.choose(true);
            let held = std::mem::take(&mut self.pending);
            self.decode(&held, true)?;
        } else {
            self.decode(&[], true)?;
        }
        match self.state {
            State::Quoted => Err(Error::bad_file(
                Some(self.quote_line),
                format!(
                    "The quote opened on line {} is never closed; check for a missing `\"`.",
                    self.quote_line
                ),
            )),
            State::CellStart if self.cells.is_empty() => Ok(()),
            State::AfterCr => Ok(()),
            _ => self.end_record(),
        }
    }

    /// Picks the decoder once enough bytes are in (or at the end). Returns whether it did.
    fn choose(&mut self, at_end: bool) -> bool {
        if self.pending.len() < BOM.len() && !at_end {
            return false;
        }
        let bom = self.pending.starts_with(BOM);
        if bom {
            self.pending.drain(..BOM.len());
        }
        let enc = match self.charset {
            Charset::Utf8 => UTF_8,
            Charset::Gbk => GBK,
            Charset::Detect if bom => UTF_8,
            Charset::Detect => {
                if self.pending.len() < SNIFF && !at_end {
                    return false;
                }
                let head = &self.pending[..self.pending.len().min(SNIFF)];
                match std::str::from_utf8(head) {
                    Ok(_) => UTF_8,
                    // Cut off in the middle of a character at the sniff boundary: still UTF-8.
                    Err(e) if e.error_len().is_none() && !at_end => UTF_8,
                    Err(_) => GBK,
                }
            }
        };
        self.chosen = Some(enc);
        self.decoder = Some(enc.new_decoder_without_bom_handling());
        true
    }

    fn decode(&mut self, mut bytes: &[u8], last: bool) -> Result<()> {
        loop {
            let Some(decoder) = self.decoder.as_mut() else {
                return Ok(());
            };
            let cap = decoder
                .max_utf8_buffer_length_without_replacement(bytes.len())
                .unwrap_or(usize::MAX)
                .clamp(64, 1 << 20);
            let mut text = String::with_capacity(cap);
            let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, last);
            bytes = &bytes[read..];
            self.parse(&text)?;
            match result {
                DecoderResult::InputEmpty => return Ok(()),
                DecoderResult::OutputFull => continue,
                DecoderResult::Malformed(_, _) => {
                    let name = self.chosen.map(Encoding::name).unwrap_or("UTF-8");
                    let hint = if name == "UTF-8" {
                        "save it as UTF-8, or pass `encoding=gbk` if it is GBK (Excel in Chinese saves that)"
                    } else {
                        "save it as UTF-8, or pass `encoding=utf-8` if it is UTF-8"
                    };
                    return Err(Error::bad_file(
                        Some(self.line),
                        format!("Line {} has bytes that are not valid {name}: {hint}.", self.line),
                    ));
                }
            }
        }
    }

    fn end_cell(&mut self) -> Result<()> {
        if self.cells.len() >= MAX_CELLS {
            return Err(Error::bad_file(
                Some(self.record_line),
                format!(
                    "The record on line {} has more than {MAX_CELLS} cells.",
                    self.record_line
                ),
            ));
        }
        self.cells.push(std::mem::take(&mut self.cell));
        self.cell_chars = 0;
        Ok(())
    }

    fn end_record(&mut self) -> Result<()> {
        self.end_cell()?;
        let cells = std::mem::take(&mut self.cells);
        // A blank line is no record (many files end with one or two).
        if !(cells.len() == 1 && cells[0].is_empty()) {
            self.rows += 1;
            self.out.push_back(Record {
                row: self.rows,
                line: self.record_line,
                cells,
            });
        }
        Ok(())
    }

    fn push(&mut self, c: char) -> Result<()> {
        self.cell_chars += 1;
        if self.cell_chars > MAX_CELL_CHARS {
            return Err(Error::bad_file(
                Some(self.record_line),
                format!(
                    "A cell of the record on line {} is longer than {MAX_CELL_CHARS} characters; is a quote left open?",
                    self.record_line
                ),
            ));
        }
        self.cell.push(c);
        Ok(())
    }

    fn parse(&mut self, text: &str) -> Result<()> {
        for c in text.chars() {
            if !self.started {
                self.started = true;
                // A BOM that survived decoding (e.g. a UTF-8 BOM read as GBK is mojibake, but
                // `encoding=utf-8` with a BOM is stripped before): skip a leading U+FEFF.
                if c == '\u{feff}' {
                    continue;
                }
            }
            self.step(c)?;
        }
        Ok(())
    }

    fn step(&mut self, c: char) -> Result<()> {
        match self.state {
            State::AfterCr => {
                self.state = State::CellStart;
                if c == '\n' {
                    return Ok(());
                }
                self.step(c)
            }
            State::CellStart => match c {
                '"' => {
                    self.quote_line = self.line;
                    self.state = State::Quoted;
                    Ok(())
                }
                ',' => self.end_cell(),
                '\r' | '\n' => self.newline(c),
                _ => {
                    self.state = State::Unquoted;
                    self.push(c)
                }
            },
            State::Unquoted => match c {
                ',' => {
                    self.state = State::CellStart;
                    self.end_cell()
                }
                '\r' | '\n' => self.newline(c),
                '"' => Err(Error::bad_file(
                    Some(self.line),
                    format!(
                        "Line {} has a quote inside a cell that does not start with one; quote the whole cell and double the quote (\"\").",
                        self.line
                    ),
                )),
                _ => self.push(c),
            },
            State::Quoted => {
                if c == '"' {
                    self.state = State::QuoteInQuoted;
                    Ok(())
                } else {
                    if c == '\n' {
                        self.line += 1;
                    }
                    self.push(c)
                }
            }
            State::QuoteInQuoted => match c {
                '"' => {
                    self.state = State::Quoted;
                    self.push('"')
                }
                ',' => {
                    self.state = State::CellStart;
                    self.end_cell()
                }
                '\r' | '\n' => self.newline(c),
                _ => Err(Error::bad_file(
                    Some(self.line),
                    format!(
                        "Line {} has text after a closing quote; quote the whole cell and double the quotes inside it (\"\").",
                        self.line
                    ),
                )),
            },
        }
    }

    /// A line break outside quotes: the end of a record.
    fn newline(&mut self, c: char) -> Result<()> {
        self.end_record()?;
        self.line += 1;
        self.record_line = self.line;
        self.state = if c == '\r' { State::AfterCr } else { State::CellStart };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(charset: Charset, chunks: &[&[u8]]) -> Result<Vec<Vec<String>>> {
        let mut r = Reader::new(charset);
        let mut out = Vec::new();
        for c in chunks {
            r.feed(c)?;
            while let Some(rec) = r.next_record() {
                out.push(rec.cells);
            }
        }
        r.finish()?;
        while let Some(rec) = r.next_record() {
            out.push(rec.cells);
        }
        Ok(out)
    }

    fn line_of(e: Error) -> Option<u64> {
        match e {
            Error::BadFile { line, .. } => line,
            _ => None,
        }
    }

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(undefuse("'-1"), "-1");
        assert_eq!(undefuse("'quoted"), "'quoted");
    }

    #[test]
    fn records_across_chunk_boundaries_quotes_and_line_ends() -> Result<()> {
        let text = "name,notes\r\n\"Li, Wei\",\"said \"\"hi\"\"\nthen left\"\r\n\r\nBo,\n";
        let whole = read(Charset::Utf8, &[text.as_bytes()])?;
        assert_eq!(
            whole,
            vec![
                vec!["name".to_string(), "notes".into()],
                vec!["Li, Wei".into(), "said \"hi\"\nthen left".into()],
                vec!["Bo".into(), "".into()],
            ]
        );
        // Byte by byte gives the same records.
        let bytes: Vec<&[u8]> = text.as_bytes().chunks(1).collect();
        assert_eq!(read(Charset::Detect, &bytes)?, whole);
        Ok(())
    }

    #[test]
    fn row_and_line_numbers() -> Result<()> {
        let mut r = Reader::new(Charset::Utf8);
        r.feed(b"h\n\"a\nb\"\nc\n")?;
        r.finish()?;
        let recs: Vec<(u64, u64)> = std::iter::from_fn(|| r.next_record())
            .map(|x| (x.row, x.line))
            .collect();
        assert_eq!(recs, vec![(1, 1), (2, 2), (3, 4)]);
        Ok(())
    }

    #[test]
    fn broken_quoting_names_the_line() {
        assert_eq!(
            line_of(read(Charset::Utf8, &[b"a,b\n1,\"open\n2,3\n"]).unwrap_err()),
            Some(2)
        );
        assert_eq!(
            line_of(read(Charset::Utf8, &[b"a,b\n1,2\n3,4\"x\n"]).unwrap_err()),
            Some(3)
        );
        assert_eq!(
            line_of(read(Charset::Utf8, &[b"a,b\n\"x\"y,2\n"]).unwrap_err()),
            Some(2)
        );
    }

    #[test]
    fn encodings_bom_gbk_and_invalid_bytes() -> Result<()> {
        let (gbk, _, _) = GBK.encode("姓名,邮箱\n李伟,li@example.com\n");
        assert_eq!(read(Charset::Detect, &[&gbk])?[1][0], "李伟");
        let mut bom = BOM.to_vec();
        bom.extend_from_slice("name\n张三\n".as_bytes());
        assert_eq!(
            read(Charset::Detect, &[&bom[..2], &bom[2..]])?,
            vec![vec!["name".to_string()], vec!["张三".into()]]
        );
        assert_eq!(
            line_of(read(Charset::Utf8, &[b"name\nok\n\xff\xfe\n"]).unwrap_err()),
            Some(3)
        );
        Ok(())
    }
}
