//! The gallery's owner: collects each still's page entry in input order and
//! writes the page at the end (atomically, like every other output).

use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use scenepal::output::barcode::{
    render_barcode, BarcodeColumn, BarcodeOptions, BarcodeStill, BarcodeStyle,
};
use scenepal::output::html::{
    png_data_uri, render_gallery, Gallery, GalleryMerged, GalleryStill, HtmlImages,
};
use scenepal::{Palette, Rgb};

use super::config::HtmlConfig;
use anyhow::Context;

use super::input::{display_path, io_reason, normalize};
use super::write::write_output;

/// Height of the barcode on the page.
const PAGE_BARCODE_HEIGHT_PX: u32 = 60;

/// Collects the page's stills.
pub struct GallerySink {
    config: HtmlConfig,
    /// The page's folder, absolute: links are made relative to it.
    page_dir: PathBuf,
    gallery: Gallery,
    columns: Vec<BarcodeColumn>,
    /// False once a linked frame's picture could not be written.
    complete: bool,
}

impl GallerySink {
    /// An empty gallery.
    pub fn new(config: HtmlConfig) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        let page_dir = cwd.join(config.target.parent().unwrap_or(Path::new("")));
        GallerySink {
            page_dir: normalize(&page_dir, None),
            config,
            gallery: Gallery::default(),
            columns: Vec::new(),
            complete: true,
        }
    }

    /// Adds a still that was read: its entry from the worker, linked to its
    /// `file` in link mode (stdin has none: it embeds). A film frame in
    /// link mode comes with its picture (`frame`: file name and JPEG bytes),
    /// written to the folder beside the page (`page_files/` for `page.html`)
    /// and linked there. An error names that picture; the still stays on
    /// the page without it.
    pub fn add(
        &mut self,
        file: Option<&Path>,
        mut still: GalleryStill,
        palette: &Palette,
        mean: Option<Rgb>,
        frame: Option<(String, Vec<u8>)>,
    ) -> anyhow::Result<()> {
        let mut written = Ok(());
        if self.config.images == HtmlImages::Link {
            match (frame, file) {
                (Some((name, bytes)), _) => {
                    let folder = self.files_folder();
                    let target = folder.join(&name);
                    written = std::fs::create_dir_all(&folder)
                        .map_err(io_reason)
                        .and_then(|()| write_output(&target, |w| w.write_all(&bytes)))
                        .with_context(|| display_path(&target));
                    still.image = written.is_ok().then(|| self.link_to(&target));
                }
                (None, Some(file)) => still.image = Some(self.link_to(file)),
                (None, None) => {}
            }
        }
        if written.is_err() {
            self.complete = false;
        }
        self.gallery.stills.push(still);
        self.columns.push(Some(BarcodeStill {
            mean: mean.unwrap_or_default(),
            palette: palette.colors.iter().map(|s| (s.rgb, s.fraction)).collect(),
        }));
        written
    }

    /// The folder of the linked frames' pictures: beside the page, named
    /// after it as browsers name a saved page's files (`page_files`).
    fn files_folder(&self) -> PathBuf {
        let stem = self.config.target.file_stem().unwrap_or_default();
        let mut name = stem.to_os_string();
        name.push("_files");
        self.config.target.with_file_name(name)
    }

    /// Adds an input that failed: its slide says why.
    pub fn add_failed(&mut self, name: &str, error: &anyhow::Error) {
        self.gallery.stills.push(GalleryStill {
            name: name.to_owned(),
            error: Some(format!("{error:#}")),
            ..GalleryStill::default()
        });
        self.columns.push(None);
    }

    /// A URL of `path` relative to the page, made from the path's bytes
    /// (every byte a URL path cannot hold as it is percent-encoded): never
    /// from its shown name, whose escapes (`\\`, `\xff`) would name
    /// another file.
    fn link_to(&self, path: &Path) -> String {
        let cwd = std::env::current_dir().unwrap_or_default();
        let target = normalize(&cwd.join(path), None);
        let relative = relative_path(&target, &self.page_dir);
        let mut url = String::new();
        for (i, part) in relative.components().enumerate() {
            if i > 0 {
                url.push('/');
            }
            let bytes = match part {
                Component::ParentDir => b"..",
                other => other.as_os_str().as_bytes(),
            };
            for &b in bytes {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    url.push(b as char);
                } else {
                    url.push_str(&format!("%{b:02X}"));
                }
            }
        }
        url
    }

    /// Writes the page (with the merged palette, if any); false (reported)
    /// if it cannot be written.
    pub fn finish(mut self, merged: Option<GalleryMerged>) -> bool {
        self.gallery.merged = merged;
        if self.columns.len() > 1 {
            let options = BarcodeOptions {
                style: BarcodeStyle::Mean,
                width: None,
                height: PAGE_BARCODE_HEIGHT_PX,
            };
            let picture = render_barcode(&self.columns, &options);
            self.gallery.barcode = Some(png_data_uri(&image::DynamicImage::ImageRgba8(picture)));
        }
        let page = render_gallery(&self.gallery);
        let target = &self.config.target;
        match write_output(target, |w| w.write_all(page.as_bytes())) {
            Ok(()) => self.complete,
            Err(e) => {
                say!("scenepal: {}: {e:#}", display_path(target));
                false
            }
        }
    }
}

/// `path` relative to the folder `base`, both absolute and normalised.
fn relative_path(path: &Path, base: &Path) -> PathBuf {
    let (p, b): (Vec<_>, Vec<_>) = (path.components().collect(), base.components().collect());
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for part in &p[common..] {
        out.push(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_to_the_page() {
        assert_eq!(
            relative_path(Path::new("/w/stills/a.jpg"), Path::new("/w/site")),
            Path::new("../stills/a.jpg")
        );
        assert_eq!(
            relative_path(Path::new("/w/a.jpg"), Path::new("/w")),
            Path::new("a.jpg")
        );
        let sink = GallerySink {
            config: HtmlConfig {
                target: PathBuf::from("/w/site/index.html"),
                images: HtmlImages::Link,
            },
            page_dir: PathBuf::from("/w/site"),
            gallery: Gallery::default(),
            columns: Vec::new(),
            complete: true,
        };
        assert_eq!(
            sink.link_to(Path::new("/w/st ills/#1.jpg")),
            "../st%20ills/%231.jpg"
        );
        // Bytes, not the shown name: one backslash, and a byte that is not
        // UTF-8 as itself.
        assert_eq!(
            sink.link_to(Path::new("/w/site/back\\slash.jpg")),
            "back%5Cslash.jpg"
        );
        let bad = std::ffi::OsStr::from_bytes(b"/w/site/bad\xff.jpg");
        assert_eq!(sink.link_to(Path::new(bad)), "bad%FF.jpg");
    }
}
