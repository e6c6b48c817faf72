//! The recipe's fast fallback: order pixels by HSL hue, cut them into k
//! equal-count groups, and take each group's mean colour.
//!
//! Runs in O(N): pixels are already collapsed into unique colours, which are
//! put in hue order by a counting sort on quantised hue, and the groups are cut
//! by walking cumulative pixel counts (a colour whose pixels straddle a cut
//! contributes to both groups, exactly as its pixels would).

use rayon::prelude::*;

use crate::color::{hsl_hue, Rgb};
use crate::pixels::ColorHistogram;

/// Hue resolution of the counting sort: 2^16 steps around the circle.
const HUE_BINS: usize = 1 << 16;

/// Returns the unique colours' indices in hue order (greys, whose hue is 0 as
/// in the recipe, sort with the reds; ties keep ascending colour order).
pub fn hue_order(hist: &ColorHistogram) -> Vec<u32> {
    let keys: Vec<u16> = hist
        .colors
        .par_iter()
        .map(|&c| ((hsl_hue(c) / 360.0 * HUE_BINS as f32) as usize).min(HUE_BINS - 1) as u16)
        .collect();
    let mut starts = vec![0u32; HUE_BINS + 1];
    for &k in &keys {
        starts[k as usize + 1] += 1;
    }
    for i in 1..=HUE_BINS {
        starts[i] += starts[i - 1];
    }
    let mut order = vec![0u32; keys.len()];
    for (i, &k) in keys.iter().enumerate() {
        let slot = &mut starts[k as usize];
        order[*slot as usize] = i as u32;
        *slot += 1;
    }
    order
}

/// The k group means (rounded to sRGB8) in hue order. Group `g` holds pixels
/// `g·N/k .. (g+1)·N/k` of the hue-sorted list, so there are exactly `k`
/// groups covering every pixel. Requires `hist.total >= k`.
pub fn bucket_means(hist: &ColorHistogram, k: usize) -> Vec<Rgb> {
    let n = hist.total;
    let k64 = k as u64;
    let mut means = Vec::with_capacity(k);
    let mut sums = [0u64; 3];
    let mut taken = 0u64; // pixels placed into groups so far
    let mut group = 0u64;
    let mut end = n / k64; // first pixel index of the next group
    let mut group_start = 0u64;
    for i in hue_order(hist) {
        let colour = hist.colors[i as usize];
        let mut left = hist.counts[i as usize];
        while left > 0 {
            let take = left.min(end - taken);
            for (s, &c) in sums.iter_mut().zip(&colour) {
                *s += c as u64 * take;
            }
            taken += take;
            left -= take;
            if taken == end {
                let count = end - group_start;
                means.push(sums.map(|s| ((s + count / 2) / count) as u8));
                sums = [0; 3];
                group += 1;
                group_start = end;
                if group == k64 {
                    break;
                }
                end = (group + 1) * n / k64;
            }
        }
    }
    means
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hue_order_is_a_counting_sort() {
        let hist = ColorHistogram::from_pairs([
            ([0, 0, 255], 1),
            ([255, 0, 0], 1),
            ([0, 255, 0], 1),
            ([9, 9, 9], 1),
        ]);
        let ordered: Vec<Rgb> = hue_order(&hist)
            .iter()
            .map(|&i| hist.colors[i as usize])
            .collect();
        // Grey has hue 0 like red; equal keys keep ascending colour order.
        assert_eq!(
            ordered,
            vec![[9, 9, 9], [255, 0, 0], [0, 255, 0], [0, 0, 255]]
        );
    }

    #[test]
    fn exactly_k_groups_split_straddling_colours() {
        // 3 red pixels then 3 green: k = 2 gives pure groups, k = 3 groups of 2
        // where the middle group mixes one red and one green pixel.
        let hist = ColorHistogram::from_pairs([([200, 0, 0], 3), ([0, 200, 0], 3)]);
        assert_eq!(bucket_means(&hist, 2), vec![[200, 0, 0], [0, 200, 0]]);
        assert_eq!(
            bucket_means(&hist, 3),
            vec![[200, 0, 0], [100, 100, 0], [0, 200, 0]]
        );
    }

    #[test]
    fn uneven_counts_cover_every_pixel() {
        let hist = ColorHistogram::from_pairs((0..=255u8).map(|h| ([255, h, 0], 1 + h as u64 % 3)));
        for k in [1, 2, 7, 10, 64] {
            assert_eq!(bucket_means(&hist, k).len(), k);
        }
    }
}
