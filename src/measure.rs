//! Measuring a palette against an image: every counted pixel assigned to its
//! nearest colour, for exact shares and the mse quality measure. The binned
//! engine settles whole colour bins at once and resolves the colours of bins
//! that straddle a boundary one by one.

use std::sync::atomic::{AtomicI32, AtomicU8, Ordering};

use rayon::prelude::*;

use crate::bins::{bin_of, bin_origin, within_bin, Bins, BIN_COUNT, BIN_SIDE, BIN_VOLUME};
use crate::color::{distance_sq, nearest, rgb_distance_sq, two_nearest, Rgb, Space};
use crate::palette::{Palette, Swatch};
use crate::pixels::{counted, with_stride, ColorHistogram, PixelBuffer};

/// Unique colours per work item when assigning colours to the palette.
const ASSIGN_CHUNK: usize = 4096;

/// Builds the palette from `colors` (already distinct): every counted pixel is
/// assigned to its nearest colour in `space` for the fractions, and to its
/// nearest colour in sRGB for `mse`.
pub(crate) fn measure(hist: &ColorHistogram, colors: Vec<Rgb>, space: Space) -> Palette {
    let points: Vec<[f32; 3]> = colors.iter().map(|&c| space.from_rgb(c)).collect();
    let k = colors.len();
    // Integer counts and squared distances: exact, so the parallel reduction
    // cannot depend on the thread count.
    let (counts, err) = hist
        .colors
        .par_chunks(ASSIGN_CHUNK)
        .zip(hist.counts.par_chunks(ASSIGN_CHUNK))
        .map(|(cs, ns)| {
            let mut counts = vec![0u64; k];
            // u128: merged histograms carry weights up to ~2^45 per colour.
            let mut err = 0u128;
            for (&c, &n) in cs.iter().zip(ns) {
                counts[nearest(&space.from_rgb(c), &points).0] += n;
                let nearest_rgb = colors
                    .iter()
                    .map(|&q| rgb_distance_sq(c, q))
                    .min()
                    .unwrap_or(0);
                err += nearest_rgb as u128 * n as u128;
            }
            (counts, err)
        })
        .reduce(
            || (vec![0u64; k], 0u128),
            |(mut a, ea), (b, eb)| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                (a, ea + eb)
            },
        );
    palette_from_counts(colors, counts, hist.total, err)
}

/// Builds the palette of an image from `colors` (already distinct), exactly:
/// every counted pixel is assigned to its nearest colour in `space` for the
/// fractions, and to its nearest colour in sRGB for `mse`.
///
/// Exact but cheap: a bin (a cube of [`BIN_VOLUME`] colours) that lies wholly in one
/// colour's region is settled once for all its pixels; the colours of bins
/// that straddle a boundary are resolved one by one, each once.
pub(crate) fn measure_pixels(
    pixels: &PixelBuffer,
    bins: &Bins,
    colors: Vec<Rgb>,
    space: Space,
) -> Palette {
    let points: Vec<[f32; 3]> = colors.iter().map(|&c| space.from_rgb(c)).collect();
    // The distance between each two colours in the clustering space.
    let gaps: Vec<f32> = points
        .iter()
        .flat_map(|p| points.iter().map(|q| distance_sq(p, q).sqrt()))
        .collect();
    let settled: Vec<[ColorSet; 2]> = bins
        .index
        .par_iter()
        .map(|&b| settle_bin(b as usize, &colors, &points, &gaps, space))
        .collect();
    // Σ|x − q|² over a bin's pixels = Σ|x|² − 2 q·Σx + n|q|², exactly, in
    // integers. The image's Σ|x|² is known; a bin settled in sRGB adds the
    // rest; a straddling colour's slot holds its own |x − q|² − |x|².
    let mut err = bins.sum_sq as i128;
    // Per bin and sense: where its pixels look up their answer ([`Slots`]).
    let mut lut = vec![[0u32; 2]; BIN_COUNT];
    // Per straddling bin and sense, in slot order: the colours its own
    // colours are resolved among.
    let mut candidates: [Vec<ColorSet>; 2] = Default::default();
    for (i, entry) in settled.iter().enumerate() {
        let b = bins.index[i] as usize;
        for sense in 0..2 {
            lut[b][sense] = match entry[sense].single() {
                None => {
                    let slot = SLOTS_START[sense] + BIN_VOLUME * candidates[sense].len() as u32;
                    candidates[sense].push(entry[sense]);
                    slot | STRADDLES
                }
                Some(j) if sense == 0 => j as u32,
                Some(_) => 0,
            };
        }
        if let Some(j) = entry[1].single() {
            let q = colors[j].map(|v| v as i128);
            let cross: i128 = (0..3).map(|c| q[c] * bins.sum[i][c] as i128).sum();
            let norm: i128 = q.iter().map(|v| v * v).sum();
            err += bins.count[i] as i128 * norm - 2 * cross;
        }
    }
    let slot_count =
        |sense: usize| (SLOTS_START[sense] + BIN_VOLUME * candidates[sense].len() as u32) as usize;
    let mut in_space: Vec<AtomicU8> = (0..SLOTS_START[0])
        .map(|i| AtomicU8::new(i as u8))
        .collect();
    in_space.resize_with(slot_count(0), || AtomicU8::new(UNRESOLVED));
    let mut in_rgb: Vec<AtomicI32> = vec![AtomicI32::new(0)];
    in_rgb.resize_with(slot_count(1), || AtomicI32::new(UNRESOLVED_ERR));
    let slots = Slots {
        lut,
        in_space,
        in_rgb,
        candidates,
        colors: &colors,
        points: &points,
        space,
    };
    let (stride, threshold) = (pixels.channels(), pixels.alpha_threshold());
    let (counts, pixel_err) = pixels
        .raw()
        .par_chunks(ASSIGN_CHUNK * 16 * stride)
        .map(|chunk| with_stride!(stride, S => slots.tally::<S>(chunk, threshold)))
        .reduce(
            || (vec![0u64; colors.len()], 0i128),
            |(mut a, ea), (b, eb)| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                (a, ea + eb)
            },
        );
    err += pixel_err;
    palette_from_counts(colors, counts, bins.total, err.max(0) as u128)
}

/// A set of palette colours (indices below 256, as a palette has at most
/// 256 colours), listed in index order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ColorSet([u64; 4]);

impl ColorSet {
    fn of(i: usize) -> Self {
        let mut set = ColorSet::default();
        set.insert(i);
        set
    }

    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    /// The colour, when the set holds exactly one.
    fn single(&self) -> Option<usize> {
        let n: u32 = self.0.iter().map(|w| w.count_ones()).sum();
        let k = self.0.iter().position(|&w| w != 0)?;
        (n == 1).then(|| 64 * k + self.0[k].trailing_zeros() as usize)
    }

    /// Calls `f` with each member, in index order (plain loops: this runs
    /// for every colour of a straddling bin).
    #[inline]
    fn for_each(self, mut f: impl FnMut(usize)) {
        for (k, mut w) in self.0.into_iter().enumerate() {
            while w != 0 {
                f(64 * k + w.trailing_zeros() as usize);
                w &= w - 1;
            }
        }
    }
}

/// In a [`Slots`] lookup entry: the bin straddles a boundary, so the colour's
/// place in its bin ([`within_bin`]) picks its slot.
const STRADDLES: u32 = 1 << 31;
/// Where the straddling bins' slots start in each sense's table: after the
/// 256 fixed answers "colour i" (clustering space) and the one fixed answer
/// "no error beyond the bin's own" (sRGB).
const SLOTS_START: [u32; 2] = [256, 1];
/// A straddling colour not resolved yet in the clustering space. It doubles
/// as colour 255 of a 256-colour palette, which is then simply recomputed.
const UNRESOLVED: u8 = u8::MAX;
/// A straddling colour not resolved yet in sRGB.
const UNRESOLVED_ERR: i32 = i32::MIN;

/// The answers every pixel looks up, in both senses, without branching on
/// whether its bin straddles a boundary: an entry of `lut` is a slot index
/// (plus [`STRADDLES`], when the colour's place in its bin selects among its
/// bin's [`BIN_VOLUME`] slots). Slots are filled when first needed; each is a pure function of
/// its colour, so threads that race to fill one store the same value and the
/// result is deterministic.
struct Slots<'a> {
    lut: Vec<[u32; 2]>,
    /// The nearest colour in the clustering space.
    in_space: Vec<AtomicU8>,
    /// |x − q|² − |x|² for the nearest colour q in sRGB (0 for settled bins).
    in_rgb: Vec<AtomicI32>,
    /// Per sense, each straddling bin's candidates (in slot order): every
    /// colour that is nearest to some colour of the bin is among them.
    candidates: [Vec<ColorSet>; 2],
    colors: &'a [Rgb],
    points: &'a [[f32; 3]],
    space: Space,
}

impl Slots<'_> {
    /// One chunk of `STRIDE`-byte pixels (alpha, if any, checked against
    /// `threshold`): (pixels per colour, their part of the squared error).
    fn tally<const STRIDE: usize>(&self, chunk: &[u8], threshold: u8) -> (Vec<u64>, i128) {
        let mut counts = vec![0u64; self.colors.len()];
        let mut err = 0i64;
        for px in chunk.chunks_exact(STRIDE) {
            let Some(c) = counted::<STRIDE>(px, threshold) else {
                continue;
            };
            let within = within_bin(c);
            let [l0, l1] = self.lut[bin_of(c[0], c[1], c[2])];
            let pick = |l: u32| (l & !STRADDLES) + (within & 0u32.wrapping_sub(l >> 31));
            let s0 = pick(l0) as usize;
            let mut i = self.in_space[s0].load(Ordering::Relaxed);
            if i == UNRESOLVED {
                i = self.resolve_in_space(s0, c);
            }
            counts[i as usize] += 1;
            let s1 = pick(l1) as usize;
            let mut e = self.in_rgb[s1].load(Ordering::Relaxed);
            if e == UNRESOLVED_ERR {
                e = self.resolve_in_rgb(s1, c);
            }
            err += e as i64;
        }
        (counts, err as i128)
    }

    #[cold]
    #[inline(never)]
    fn resolve_in_space(&self, slot: usize, c: Rgb) -> u8 {
        let p = self.space.from_rgb(c);
        let i = match self.straddling(0, slot) {
            // Colour 255 of a 256-colour palette, read as "unresolved".
            None => nearest(&p, self.points).0,
            Some(set) => {
                let mut best = (0, f32::INFINITY);
                set.for_each(|j| {
                    let d = distance_sq(&p, &self.points[j]);
                    if d < best.1 {
                        best = (j, d);
                    }
                });
                best.0
            }
        };
        self.in_space[slot].store(i as u8, Ordering::Relaxed);
        i as u8
    }

    #[cold]
    #[inline(never)]
    fn resolve_in_rgb(&self, slot: usize, c: Rgb) -> i32 {
        let set = self
            .straddling(1, slot)
            .expect("only straddling slots are unresolved");
        let mut d = u32::MAX;
        set.for_each(|j| d = d.min(rgb_distance_sq(c, self.colors[j])));
        let e = d as i32 - rgb_distance_sq(c, [0, 0, 0]) as i32;
        self.in_rgb[slot].store(e, Ordering::Relaxed);
        e
    }

    /// The candidates of the straddling bin that `slot` belongs to.
    fn straddling(&self, sense: usize, slot: usize) -> Option<ColorSet> {
        let start = SLOTS_START[sense] as usize;
        (slot >= start).then(|| self.candidates[sense][(slot - start) / BIN_VOLUME as usize])
    }
}

/// The colour nearest to `c` in sRGB (ties: lowest index).
fn nearest_rgb(c: Rgb, colors: &[Rgb]) -> usize {
    let mut best = (0, u32::MAX);
    for (i, &q) in colors.iter().enumerate() {
        let d = rgb_distance_sq(c, q);
        if d < best.1 {
            best = (i, d);
        }
    }
    best.0
}

/// The colours that the colours of bin `b` can be nearest to, in `space`
/// and in sRGB: one colour when the whole bin is settled, a few candidates
/// when it straddles a boundary.
/// `gaps` holds the distance between each two colours in `space`, row by row.
fn settle_bin(
    b: usize,
    colors: &[Rgb],
    points: &[[f32; 3]],
    gaps: &[f32],
    space: Space,
) -> [ColorSet; 2] {
    let o = bin_origin(b);
    // In sRGB: colour j can take colour x from i (the nearest to the bin's
    // first colour) where f(x) = |x − q_j|² − |x − q_i|² < 0 (or = 0, for a
    // lower index). f is linear in x, 2 x·(q_i − q_j) + |q_j|² − |q_i|², so
    // its least value on the cube is at the corner each coefficient's sign
    // picks: one exact integer test per colour.
    let i = nearest_rgb(o, colors);
    let qi = colors[i].map(i32::from);
    let norm_i: i32 = qi.iter().map(|v| v * v).sum();
    let mut in_rgb = ColorSet::of(i);
    for (j, q) in colors.iter().enumerate() {
        let q = q.map(i32::from);
        let mut least = q.iter().map(|v| v * v).sum::<i32>() - norm_i;
        for c in 0..3 {
            let slope = 2 * (qi[c] - q[c]);
            let x = o[c] as i32 + if slope < 0 { BIN_SIDE as i32 - 1 } else { 0 };
            least += slope * x;
        }
        if j != i && (least < 0 || (least == 0 && j < i)) {
            in_rgb.insert(j);
        }
    }
    // In the clustering space: the cube lies within `radius` of its centre's
    // image c. If c is farther than that from the bisecting plane between its
    // nearest colour i and another colour j, j is nearest to none of the
    // cube: (d_j² − d_i²) / (2 |p_i − p_j|) is that distance.
    let corners: [Rgb; 8] = std::array::from_fn(|i| {
        [0, 1, 2].map(|c| o[c] + if i >> c & 1 == 1 { BIN_SIDE - 1 } else { 0 })
    });
    let centre = space.from_rgb_f32(o.map(|v| v as f32 + (BIN_SIDE - 1) as f32 / 2.0));
    let radius = corners
        .iter()
        .map(|&c| distance_sq(&space.from_rgb(c), &centre).sqrt())
        .fold(0.0f32, f32::max)
        * 1.05
        + 1e-3;
    let (i1, d1, _) = two_nearest(&centre, points);
    let mut in_space = ColorSet::of(i1);
    let row = &gaps[i1 * points.len()..(i1 + 1) * points.len()];
    for (j, (p, &gap)) in points.iter().zip(row).enumerate() {
        let dj = distance_sq(&centre, p);
        if j != i1 && (dj - d1) <= 2.0 * gap * radius {
            in_space.insert(j);
        }
    }
    [in_space, in_rgb]
}

/// An estimate of the shares of `colors`, counted bin by bin: each bin's
/// pixels go to the colour nearest its mean colour (a bin that straddles a
/// boundary goes whole to one side), and mse is left at 0. Cheap (no pass
/// over the pixels), for deciding how many colours an image has.
pub(crate) fn shares_by_bin(bins: &Bins, colors: Vec<Rgb>, space: Space) -> Palette {
    let points: Vec<[f32; 3]> = colors.iter().map(|&c| space.from_rgb(c)).collect();
    let mut counts = vec![0u64; colors.len()];
    for i in 0..bins.len() {
        let (j, _) = nearest(&space.from_rgb_f32(bins.mean(i)), &points);
        counts[j] += bins.count[i];
    }
    palette_from_counts(colors, counts, bins.total, 0)
}

fn palette_from_counts(colors: Vec<Rgb>, counts: Vec<u64>, total: u64, err: u128) -> Palette {
    let total_f = total.max(1) as f64;
    Palette {
        colors: colors
            .into_iter()
            .zip(counts)
            .map(|(rgb, count)| Swatch {
                rgb,
                count,
                fraction: count as f64 / total_f,
            })
            .collect(),
        pixels: total,
        mse: err as f64 / total_f,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_by_bin_give_each_bin_to_the_colour_nearest_its_mean() {
        let mut raw = [3u8; 8 * 3];
        raw[18..].fill(250); // six dark pixels, two light ones
        let pixels = PixelBuffer::rgb8(raw.to_vec(), 8, 1).unwrap();
        let bins = Bins::of(&pixels);
        let p = shares_by_bin(&bins, vec![[240, 240, 240], [10, 10, 10]], Space::Oklab);
        let shares: Vec<(u64, f64)> = p.colors.iter().map(|s| (s.count, s.fraction)).collect();
        assert_eq!(shares, [(2, 0.25), (6, 0.75)]);
        assert_eq!((p.pixels, p.mse), (8, 0.0));
    }

    #[test]
    fn colour_sets_list_their_members_in_index_order() {
        let mut set = ColorSet::of(200);
        assert_eq!(set.single(), Some(200));
        for i in [3, 64, 255, 0] {
            set.insert(i);
        }
        assert_eq!(set.single(), None);
        let mut members = Vec::new();
        set.for_each(|i| members.push(i));
        assert_eq!(members, [0, 3, 64, 200, 255]);
    }

    #[test]
    fn binned_measure_is_exact_for_every_palette_size() {
        // Palettes of the image's own colours, up to 256 (whose colour 255
        // shares its code with "unresolved"), in every space: the binned
        // measure counts what assigning each colour does.
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/china_320.jpg"
        ))
        .unwrap();
        let image = crate::decode::decode_image(&bytes, None).unwrap();
        let pixels =
            PixelBuffer::from_image(image, crate::pixels::DEFAULT_ALPHA_THRESHOLD).unwrap();
        let (bins, hist) = (Bins::of(&pixels), pixels.histogram());
        for k in [2, 7, 64, 256] {
            let step = hist.len() / k;
            let colors: Vec<Rgb> = (0..k).map(|i| hist.colors[i * step]).collect();
            for space in [Space::Oklab, Space::Lab, Space::Rgb] {
                assert_eq!(
                    measure_pixels(&pixels, &bins, colors.clone(), space),
                    measure(&hist, colors.clone(), space),
                    "k={k} {space:?}"
                );
            }
        }
    }

    fn hist() -> ColorHistogram {
        ColorHistogram::from_pairs([([0, 0, 0], 6), ([10, 0, 0], 2), ([255, 255, 255], 2)])
    }

    #[test]
    fn fractions_are_exact_and_mse_uses_nearest_rgb() {
        let p = measure(&hist(), vec![[0, 0, 0], [255, 255, 255]], Space::Rgb);
        assert_eq!(p.colors[0].count, 8);
        assert_eq!(p.colors[1].count, 2);
        assert!((p.colors[0].fraction - 0.8).abs() < 1e-12);
        // Two pixels 10 units away from black: 2 × 100 / 10.
        assert!((p.mse - 20.0).abs() < 1e-12);
        assert_eq!(p.pixels, 10);
    }
}
