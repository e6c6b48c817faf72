//! Scaled pictures of an image: a still's thumbnail and the preview at the
//! top of a swatch card, transparency over white, of bounded size.

use image::{imageops::FilterType, DynamicImage, RgbImage};

use super::PixelBuffer;

impl PixelBuffer {
    /// The pixels scaled to at most `width` (never enlarged), transparency
    /// over white: a still's thumbnail. Read in place: a huge image is not
    /// copied to be shrunk.
    pub fn thumbnail(&self, width: u32) -> RgbImage {
        self.scaled_to(width.min(self.width))
    }

    /// The pixels scaled to `width` (enlarged too), transparency over white,
    /// fitted as [`scaled_preview`] fits a decoded image: the top of a card.
    pub fn preview(&self, width: u32) -> RgbImage {
        self.scaled_to(width)
    }

    fn scaled_to(&self, width: u32) -> RgbImage {
        let width = width.max(1);
        let (fit_w, fit_h) = fitted_size(self.width, self.height, width);
        let small = match self.channels {
            1 => self.resized::<image::Luma<u8>>(fit_w, fit_h),
            2 => self.resized::<image::LumaA<u8>>(fit_w, fit_h),
            3 => self.resized::<image::Rgb<u8>>(fit_w, fit_h),
            _ => self.resized::<image::Rgba<u8>>(fit_w, fit_h),
        };
        over_white(&small, width)
    }

    fn resized<P>(&self, width: u32, height: u32) -> image::RgbaImage
    where
        P: image::Pixel<Subpixel = u8> + 'static,
        DynamicImage: From<image::ImageBuffer<P, Vec<u8>>>,
    {
        match image::ImageBuffer::<P, &[u8]>::from_raw(self.width, self.height, &self.raw[..]) {
            Some(view) => DynamicImage::from(image::imageops::resize(
                &view,
                width,
                height,
                FilterType::Triangle,
            ))
            .into_rgba8(),
            // The buffer's length was checked against its size when it was made.
            None => image::RgbaImage::new(width, height),
        }
    }
}

/// The tallest preview, as a multiple of its width: a portrait photo (2:3)
/// fits whole; a taller image is fitted into this box, not stretched.
const MAX_PREVIEW_HEIGHT_PER_WIDTH: f64 = 1.5;

/// The size an image of `w` × `h` is scaled to in a preview `width` wide:
/// the full width, or, for an image taller than 1.5 × `width` once scaled,
/// the box `width` × 1.5 `width`.
fn fitted_size(w: u32, h: u32, width: u32) -> (u32, u32) {
    let (w, h) = (w.max(1) as f64, h.max(1) as f64);
    let max_height = (width as f64 * MAX_PREVIEW_HEIGHT_PER_WIDTH).round();
    if h * width as f64 / w <= max_height {
        (width, (h * width as f64 / w).round().max(1.0) as u32)
    } else {
        (
            (w * max_height / h).round().max(1.0) as u32,
            max_height as u32,
        )
    }
}

/// `small` centred on a white preview `width` wide, its transparency
/// composited over white.
fn over_white(small: &image::RgbaImage, width: u32) -> RgbImage {
    let left = (width - small.width()) / 2;
    RgbImage::from_fn(width, small.height(), |x, y| {
        let Some(p) = x
            .checked_sub(left)
            .and_then(|sx| small.get_pixel_checked(sx, y))
        else {
            return image::Rgb([255, 255, 255]);
        };
        let a = p[3] as u32;
        image::Rgb([0, 1, 2].map(|i| ((p[i] as u32 * a + 255 * (255 - a) + 127) / 255) as u8))
    })
}

/// The image scaled to `width` (aspect kept, triangle filter), with any
/// transparency composited over white: the top of a card. An image taller
/// than 1.5 × `width` is fitted into `width` × 1.5 `width`, centred on white,
/// so the preview's size never follows an extreme aspect ratio.
pub fn scaled_preview(image: &DynamicImage, width: u32) -> RgbImage {
    let (fit_w, fit_h) = fitted_size(image.width(), image.height(), width);
    over_white(
        &image
            .resize_exact(fit_w, fit_h, FilterType::Triangle)
            .into_rgba8(),
        width,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_of_extreme_shapes_stay_bounded() {
        let tall = DynamicImage::ImageRgb8(RgbImage::from_pixel(1, 65535, image::Rgb([9, 9, 9])));
        let p = scaled_preview(&tall, 1000);
        assert_eq!(p.dimensions(), (1000, 1500));
        assert_eq!(p.get_pixel(499, 700).0, [9, 9, 9], "one column, centred");
        assert_eq!(p.get_pixel(0, 700).0, [255, 255, 255]);
        let wide = DynamicImage::ImageRgb8(RgbImage::from_pixel(65535, 1, image::Rgb([9, 9, 9])));
        assert_eq!(scaled_preview(&wide, 1000).dimensions(), (1000, 1));
        let photo = DynamicImage::ImageRgb8(RgbImage::new(300, 200));
        assert_eq!(scaled_preview(&photo, 600).dimensions(), (600, 400));
    }

    #[test]
    fn thumbnails_read_every_layout_in_place() {
        let gray = PixelBuffer::luma8(vec![50; 40 * 20], 40, 20).unwrap();
        let t = gray.thumbnail(10);
        assert_eq!(t.dimensions(), (10, 5));
        assert_eq!(t.get_pixel(3, 3).0, [50; 3]);
        // A thumbnail is never enlarged; a card's preview is.
        assert_eq!(gray.thumbnail(100).dimensions(), (40, 20));
        assert_eq!(gray.preview(100).dimensions(), (100, 50));
        let clear = PixelBuffer::luma_alpha8([50, 0].repeat(40 * 20), 40, 20, 128).unwrap();
        assert_eq!(
            clear.thumbnail(10).get_pixel(3, 3).0,
            [255; 3],
            "over white"
        );
    }
}
