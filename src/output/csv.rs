//! CSV: a header line, then one row per colour (led by the path in batch).

use std::io::{self, Write};

use super::{escape_control, Layout, Report};
use crate::color::to_hex;
use crate::names::nearest_name;
use crate::record::FRACTION_DECIMALS;

/// The header line: `hex,r,g,b,fraction` (and `name` with names), led by
/// `path` in batch layout.
pub fn write_csv_header(out: &mut impl Write, layout: Layout, names: bool) -> io::Result<()> {
    if layout == Layout::Batch {
        write!(out, "path,")?;
    }
    writeln!(
        out,
        "hex,r,g,b,fraction{}",
        if names { ",name" } else { "" }
    )
}

/// RFC 4180 quoting: a field holding a comma, quote or line break is quoted,
/// its quotes doubled.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// One row per colour; a single palette gets its header first, batch rows
/// lead with the image path.
pub fn write_csv(out: &mut impl Write, report: &Report, layout: Layout) -> io::Result<()> {
    let prefix = match layout {
        Layout::Single => {
            write_csv_header(out, layout, report.names)?;
            String::new()
        }
        // Escaped first: a file name must not carry terminal escapes into
        // a CSV record that someone views in a terminal.
        Layout::Batch => format!(
            "{},",
            csv_field(&escape_control(report.path.unwrap_or("-")))
        ),
    };
    for s in &report.palette.colors {
        let [r, g, b] = s.rgb;
        write!(
            out,
            "{prefix}{},{r},{g},{b},{:.*}",
            to_hex(s.rgb),
            FRACTION_DECIMALS,
            s.fraction
        )?;
        if report.names {
            write!(out, ",{}", nearest_name(s.rgb))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("a/b.jpg"), "a/b.jpg");
        assert_eq!(csv_field("a,b \"c\".jpg"), "\"a,b \"\"c\"\".jpg\"");
        assert_eq!(csv_field("a\nb"), "\"a\nb\"");
    }
}
