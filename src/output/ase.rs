//! Adobe Swatch Exchange (`.ase`), the palette file Photoshop, Illustrator,
//! InDesign, Affinity and Procreate import. Layout (big-endian throughout):
//! `ASEF`, version 1.0, the number of blocks, then blocks, each a type
//! (`0x0001` colour, `0xC001` group start, `0xC002` group end) and a length
//! in bytes. A colour holds its name (UTF-16 code units with a terminating
//! zero, led by their count), the model `RGB `, three `f32` channels in 0..1
//! and its type (2, normal). A batch writes one group per image.

use std::io::{self, Write};

use crate::color::{to_hex, Rgb};
use crate::names::nearest_name;
use crate::palette::Palette;

/// One group of colours: an image's palette (`name`: its path), or the
/// colours of a single palette (`name`: `None`, written without a group).
#[derive(Clone, Debug, PartialEq)]
pub struct AseGroup {
    /// The group's name.
    pub name: Option<String>,
    /// Each colour's name and value.
    pub colors: Vec<(String, Rgb)>,
}

impl AseGroup {
    /// The group of `palette`'s colours, named by hex code or, with `names`,
    /// by their CSS names.
    pub fn of(name: Option<&str>, palette: &Palette, names: bool) -> Self {
        AseGroup {
            name: name.map(str::to_owned),
            colors: palette
                .colors
                .iter()
                .map(|s| {
                    let label = match names {
                        true => nearest_name(s.rgb).to_owned(),
                        false => to_hex(s.rgb),
                    };
                    (label, s.rgb)
                })
                .collect(),
        }
    }
}

/// Writes one `.ase` document holding `groups`.
pub fn write_ase(out: &mut impl Write, groups: &[AseGroup]) -> io::Result<()> {
    let mut blocks: Vec<u8> = Vec::new();
    let mut count: u32 = 0;
    for group in groups {
        if let Some(name) = &group.name {
            block(&mut blocks, 0xC001, &utf16_name(name));
            count += 1;
        }
        for (name, rgb) in &group.colors {
            let mut body = utf16_name(name);
            body.extend_from_slice(b"RGB ");
            for c in rgb {
                body.extend_from_slice(&(*c as f32 / 255.0).to_be_bytes());
            }
            body.extend_from_slice(&2u16.to_be_bytes());
            block(&mut blocks, 0x0001, &body);
            count += 1;
        }
        if group.name.is_some() {
            block(&mut blocks, 0xC002, &[]);
            count += 1;
        }
    }
    out.write_all(b"ASEF")?;
    out.write_all(&1u16.to_be_bytes())?;
    out.write_all(&0u16.to_be_bytes())?;
    out.write_all(&count.to_be_bytes())?;
    out.write_all(&blocks)
}

fn block(out: &mut Vec<u8>, kind: u16, body: &[u8]) {
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(body);
}

/// A name as ASE stores it: its UTF-16 length with the terminating zero,
/// then the code units (big-endian) and the zero. Names longer than a block
/// can hold are cut.
fn utf16_name(name: &str) -> Vec<u8> {
    let mut units: Vec<u16> = name.encode_utf16().take(u16::MAX as usize - 1).collect();
    units.push(0);
    let mut out = (units.len() as u16).to_be_bytes().to_vec();
    for u in units {
        out.extend_from_slice(&u.to_be_bytes());
    }
    out
}
