//! A small, strict CSV reader (RFC 4180 plus what spreadsheets emit): a UTF-8 BOM, `,` or `;` as
//! the delimiter (whichever the header uses), quoted fields with `""` escapes and embedded line
//! breaks, CRLF or LF line ends. Runs in the browser (for the import preview) and on the server.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    /// Data rows with the line number each starts on (the header is line 1).
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Problems that make the whole input unusable (nothing is imported).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("The file is empty.")]
    Empty,
    #[error(
        "This doesn't look like a CSV file (it contains binary data). Export your spreadsheet as CSV and try again."
    )]
    Binary,
    #[error("Line {0}: a quoted field is never closed.")]
    UnclosedQuote(usize),
    #[error("Line {0}: unexpected text after a closing quote.")]
    TextAfterQuote(usize),
    #[error("The first line must be a header naming each column.")]
    NoHeader,
    #[error("The file has more than {0} rows. Split it into smaller files.")]
    TooManyRows(usize),
    #[error("Line {0} has more than {MAX_COLUMNS} columns. Keep only the columns to import.")]
    TooManyColumns(usize),
    #[error("Line {0} has a cell longer than {MAX_CELL_CHARS} characters.")]
    CellTooLong(usize),
}

pub const MAX_ROWS: usize = 20_000;
/// Bounds the work a single line can cause: a header of millions of commas is refused as soon as
/// the 65th column starts, not after it has been split.
pub const MAX_COLUMNS: usize = 64;
pub const MAX_CELL_CHARS: usize = 10_000;

/// Picks `;` when the header line has more semicolons than commas outside quotes.
fn delimiter(text: &str) -> char {
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for ch in text.chars() {
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            '\n' if !quoted => break,
            _ => {}
        }
    }
    if semicolons > commas {
        ';'
    } else {
        ','
    }
}

pub fn parse(input: &str) -> Result<Table, CsvError> {
    let text = input.strip_prefix('\u{feff}').unwrap_or(input);
    if text.chars().any(|c| c == '\0' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))) {
        return Err(CsvError::Binary);
    }
    if text.trim().is_empty() {
        return Err(CsvError::Empty);
    }
    let delimiter = delimiter(text);
    let mut records: Vec<(usize, Vec<String>)> = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut record_line = 1;
    let mut in_quotes = false;
    let mut quote_started_line = 1;
    let mut field_was_quoted = false;
    // Characters in `field`, kept alongside so the cell limit costs nothing per character.
    let mut field_chars = 0;

    while let Some(ch) = chars.next() {
        if in_quotes {
            match ch {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                '\r' => {
                    if chars.peek() != Some(&'\n') {
                        field.push('\n');
                        line += 1;
                    }
                }
                other => field.push(other),
            }
            field_chars += 1;
            if field_chars > MAX_CELL_CHARS {
                return Err(CsvError::CellTooLong(quote_started_line));
            }
            continue;
        }
        match ch {
            '"' if field.is_empty() && !field_was_quoted => {
                in_quotes = true;
                field_was_quoted = true;
                quote_started_line = line;
            }
            c if c == delimiter => {
                record.push(std::mem::take(&mut field));
                field_chars = 0;
                field_was_quoted = false;
                if record.len() >= MAX_COLUMNS {
                    return Err(CsvError::TooManyColumns(record_line));
                }
            }
            '\r' | '\n' => {
                if ch == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                record.push(std::mem::take(&mut field));
                field_chars = 0;
                field_was_quoted = false;
                records.push((record_line, std::mem::take(&mut record)));
                line += 1;
                record_line = line;
            }
            other if field_was_quoted => {
                if !other.is_whitespace() {
                    return Err(CsvError::TextAfterQuote(line));
                }
            }
            other => {
                field.push(other);
                field_chars += 1;
                if field_chars > MAX_CELL_CHARS {
                    return Err(CsvError::CellTooLong(line));
                }
            }
        }
        if records.len() > MAX_ROWS + 1 {
            return Err(CsvError::TooManyRows(MAX_ROWS));
        }
    }
    if in_quotes {
        return Err(CsvError::UnclosedQuote(quote_started_line));
    }
    if !field.is_empty() || field_was_quoted || !record.is_empty() {
        record.push(field);
        records.push((record_line, record));
    }
    // Blank lines carry nothing.
    records.retain(|(_, cells)| !(cells.len() == 1 && cells[0].trim().is_empty()));
    let mut records = records.into_iter();
    let (_, headers) = records.next().ok_or(CsvError::Empty)?;
    let headers: Vec<String> = headers.into_iter().map(|h| h.trim().to_owned()).collect();
    if headers.iter().all(String::is_empty) {
        return Err(CsvError::NoHeader);
    }
    let rows: Vec<(usize, Vec<String>)> = records.collect();
    if rows.len() > MAX_ROWS {
        return Err(CsvError::TooManyRows(MAX_ROWS));
    }
    Ok(Table { headers, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(table: &Table) -> Vec<Vec<&str>> {
        table.rows.iter().map(|(_, r)| r.iter().map(String::as_str).collect()).collect()
    }

    #[test]
    fn plain_comma_separated_values_with_a_header() {
        let table = parse("company,email\nAcme,dana@acme.test\nGlobex,hank@globex.test\n").expect("parses");
        assert_eq!(table.headers, ["company", "email"]);
        assert_eq!(cells(&table), [["Acme", "dana@acme.test"], ["Globex", "hank@globex.test"]]);
        assert_eq!(table.rows.iter().map(|(line, _)| *line).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn quotes_escapes_embedded_delimiters_and_newlines() {
        let input = "name,notes\r\n\"Acme, Inc.\",\"Said \"\"hi\"\"\nthen left\"\r\nGlobex,plain\r\n";
        let table = parse(input).expect("parses");
        assert_eq!(cells(&table), [vec!["Acme, Inc.", "Said \"hi\"\nthen left"], vec!["Globex", "plain"]]);
        assert_eq!(table.rows[1].0, 4, "line numbers count the embedded newline");
    }

    #[test]
    fn a_bom_and_semicolons_from_european_spreadsheets() {
        let table = parse("\u{feff}name;vat_number;notes\nAcme;GB123;\"a;b\"\n").expect("parses");
        assert_eq!(table.headers, ["name", "vat_number", "notes"]);
        assert_eq!(cells(&table), [["Acme", "GB123", "a;b"]]);
    }

    #[test]
    fn the_last_line_needs_no_newline_and_blank_lines_are_skipped() {
        let table = parse("name\n\nAcme\n\nGlobex").expect("parses");
        assert_eq!(cells(&table), [["Acme"], ["Globex"]]);
    }

    #[test]
    fn broken_input_is_refused_with_the_line() {
        assert_eq!(parse("name\n\"Acme\nGlobex\n"), Err(CsvError::UnclosedQuote(2)));
        assert_eq!(parse("name\n\"Acme\"x\n"), Err(CsvError::TextAfterQuote(2)));
        assert_eq!(parse(""), Err(CsvError::Empty));
        assert_eq!(parse("  \n \n"), Err(CsvError::Empty));
        assert_eq!(parse("PK\u{3}\u{4}\0\0binary"), Err(CsvError::Binary));
    }

    #[test]
    fn formula_like_values_stay_text() {
        let table = parse("name,notes\n=cmd|' /C calc'!A0,+SUM(A1)\n").expect("parses");
        assert_eq!(cells(&table), [["=cmd|' /C calc'!A0", "+SUM(A1)"]]);
    }

    #[test]
    fn ten_thousand_rows_parse() {
        let mut input = String::from("name,email\n");
        for i in 0..10_000 {
            input.push_str(&format!("Client {i},c{i}@example.com\n"));
        }
        assert_eq!(parse(&input).expect("parses").rows.len(), 10_000);
    }

    #[test]
    fn wide_lines_and_huge_cells_are_refused_early() {
        let header = format!("name{}", ",x".repeat(64));
        assert_eq!(parse(&header), Err(CsvError::TooManyColumns(1)));
        let at_limit = format!("name{}\nAcme{}", ",x".repeat(63), ",1".repeat(63));
        assert_eq!(parse(&at_limit).map(|t| t.headers.len()), Ok(64));
        let million_commas = ",".repeat(1_000_000);
        assert_eq!(parse(&million_commas), Err(CsvError::TooManyColumns(1)));
        let long_cell = format!("name\n{}", "y".repeat(MAX_CELL_CHARS + 1));
        assert_eq!(parse(&long_cell), Err(CsvError::CellTooLong(2)));
        let long_quoted = format!("name\n\"{}\"", "y".repeat(MAX_CELL_CHARS + 1));
        assert_eq!(parse(&long_quoted), Err(CsvError::CellTooLong(2)));
    }
}
