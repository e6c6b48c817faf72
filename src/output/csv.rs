//! CSV: a header line, then one row per colour.

use std::io::{self, Write};

use super::{Report, FRACTION_DECIMALS};
use crate::color::to_hex;

/// `hex,r,g,b,fraction` rows under a header.
pub fn write_csv(out: &mut impl Write, report: &Report) -> io::Result<()> {
    writeln!(out, "hex,r,g,b,fraction")?;
    for s in &report.palette.colors {
        let [r, g, b] = s.rgb;
        writeln!(
            out,
            "{},{r},{g},{b},{:.*}",
            to_hex(s.rgb),
            FRACTION_DECIMALS,
            s.fraction
        )?;
    }
    Ok(())
}
