//! k-means over weighted unique colours, built on the kmeans_colors traits:
//! our point type implements `Calculate` and `Hamerly` (weights), and the
//! driver seeds with weighted k-means++ and runs independent restarts in
//! parallel.
//!
//! The crate's own `get_kmeans_hamerly` seeds k-means++ without weights; on a
//! histogram of unique colours that over-picks rare colours, so we seed here
//! and run the crate's Hamerly steps ourselves.

use kmeans_colors::{Calculate, Hamerly, HamerlyCentroids, HamerlyPoint};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::color::{distance_sq, nearest, two_nearest};

/// Points per chunk of every sum: sums are formed per chunk and added in
/// chunk order (f64 over chunks of f32-derived terms keeps rounding small).
const SUM_CHUNK: usize = 4096;

/// Lloyd iterations at most (scikit-learn's default).
const MAX_ITERATIONS: usize = 300;

/// Converged when no centroid moves further than this (squared, in the
/// space's units: Oklab×100, L*a*b*, or sRGB 0..255; so 0.1 units, below
/// what rounding to sRGB8 can show; tighter costs time and changes no mse in
/// the corpus check).
const CONVERGED_SHIFT_SQ: f32 = 1e-2;

/// The looser convergence of [`cluster_roughly`]: 1 unit (squared), where a
/// refinement on finer points follows. On the small corpus stills it keeps the
/// error within 1% of the exhaustive oracle at a third of the time.
const ROUGH_SHIFT_SQ: f32 = 1.0;

/// A unique colour in the clustering space with its pixel count as weight.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WeightedPoint {
    /// Coordinates in the clustering space.
    pub p: [f32; 3],
    /// How many pixels have this colour.
    pub w: f32,
}

/// Sums `f` over `0..n` in fixed chunks, added in chunk order.
fn chunked_sum(n: usize, f: impl Fn(std::ops::Range<usize>) -> f64) -> f64 {
    (0..n.div_ceil(SUM_CHUNK))
        .map(|c| f(c * SUM_CHUNK..((c + 1) * SUM_CHUNK).min(n)))
        .sum()
}

/// Weighted mean of the points assigned to each of `k` clusters (`None` for
/// an empty cluster), summed in f64.
fn weighted_means(
    buf: &[WeightedPoint],
    k: usize,
    cluster_of: impl Fn(usize) -> usize,
) -> Vec<Option<[f32; 3]>> {
    let mut total = vec![[0.0f64; 4]; k];
    for (i, point) in buf.iter().enumerate() {
        add_point(&mut total[cluster_of(i)], point, 1.0);
    }
    means_of(&total)
}

/// Adds `sign` × the point's weighted coordinates and weight to a cluster's
/// sums [Σwx, Σwy, Σwz, Σw].
#[inline]
fn add_point(s: &mut [f64; 4], &WeightedPoint { p, w }: &WeightedPoint, sign: f64) {
    let w = w as f64 * sign;
    s[0] += p[0] as f64 * w;
    s[1] += p[1] as f64 * w;
    s[2] += p[2] as f64 * w;
    s[3] += w;
}

/// Each cluster's mean from its sums (`None` for an empty cluster).
fn means_of(sums: &[[f64; 4]]) -> Vec<Option<[f32; 3]>> {
    sums.iter()
        .map(|s| {
            (s[3] > 0.0).then(|| {
                [
                    (s[0] / s[3]) as f32,
                    (s[1] / s[3]) as f32,
                    (s[2] / s[3]) as f32,
                ]
            })
        })
        .collect()
}

/// Moves each centroid to its cluster's weighted mean; an empty cluster is
/// re-seeded with a point drawn from the buffer (deterministic: the RNG is
/// seeded). Returns how far each centroid moved (not squared).
fn move_centroids(
    rng: &mut impl Rng,
    buf: &[WeightedPoint],
    centroids: &mut [WeightedPoint],
    means: Vec<Option<[f32; 3]>>,
) -> Vec<f32> {
    centroids
        .iter_mut()
        .zip(means)
        .map(|(c, mean)| {
            let new = mean.unwrap_or_else(|| buf[rng.random_range(0..buf.len())].p);
            let shift = distance_sq(&c.p, &new).sqrt();
            c.p = new;
            shift
        })
        .collect()
}

impl Calculate for WeightedPoint {
    fn get_closest_centroid(buffer: &[Self], centroids: &[Self], indices: &mut Vec<u8>) {
        indices.extend(
            buffer
                .iter()
                .map(|pt| nearest(&pt.p, centroids.iter().map(|c| &c.p)).0 as u8),
        );
    }

    fn recalculate_centroids(
        rng: &mut impl Rng,
        buf: &[Self],
        centroids: &mut [Self],
        indices: &[u8],
    ) {
        let means = weighted_means(buf, centroids.len(), |i| indices[i] as usize);
        move_centroids(rng, buf, centroids, means);
    }

    fn check_loop(centroids: &[Self], old_centroids: &[Self]) -> f32 {
        centroids
            .iter()
            .zip(old_centroids)
            .map(|(a, b)| distance_sq(&a.p, &b.p))
            .fold(0.0, f32::max)
    }

    fn create_random(rng: &mut impl Rng) -> Self {
        WeightedPoint {
            p: [
                rng.random_range(0.0..=100.0),
                rng.random_range(-50.0..=50.0),
                rng.random_range(-50.0..=50.0),
            ],
            w: 1.0,
        }
    }

    #[inline]
    fn difference(c1: &Self, c2: &Self) -> f32 {
        distance_sq(&c1.p, &c2.p)
    }
}

impl Hamerly for WeightedPoint {
    fn compute_half_distances(centers: &mut HamerlyCentroids<Self>) {
        let cs = &centers.centroids;
        for (i, half) in centers.half_distances.iter_mut().enumerate().take(cs.len()) {
            let min = cs
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, c)| distance_sq(&cs[i].p, &c.p))
                .fold(f32::INFINITY, f32::min);
            *half = min.sqrt() * 0.5;
        }
    }

    fn get_closest_centroid_hamerly(
        buffer: &[Self],
        centers: &HamerlyCentroids<Self>,
        points: &mut [HamerlyPoint],
    ) {
        let cs = &centers.centroids;
        buffer
            .iter()
            .zip(points.iter_mut())
            .for_each(|(val, point)| {
                let z = centers.half_distances[point.index as usize].max(point.lower_bound);
                if point.upper_bound <= z {
                    return;
                }
                point.upper_bound = distance_sq(&val.p, &cs[point.index as usize].p).sqrt();
                if point.upper_bound <= z || cs.len() < 2 {
                    return;
                }
                let (best, min1, min2) = two_nearest(&val.p, cs.iter().map(|c| &c.p));
                point.index = best as u8;
                point.upper_bound = min1.sqrt();
                point.lower_bound = min2.sqrt();
            });
    }

    fn recalculate_centroids_hamerly(
        rng: &mut impl Rng,
        buf: &[Self],
        centers: &mut HamerlyCentroids<Self>,
        points: &[HamerlyPoint],
    ) {
        let means = weighted_means(buf, centers.centroids.len(), |i| points[i].index as usize);
        let shifts = move_centroids(rng, buf, &mut centers.centroids, means);
        centers.deltas[..shifts.len()].copy_from_slice(&shifts);
    }

    fn update_bounds(centers: &HamerlyCentroids<Self>, points: &mut [HamerlyPoint]) {
        let max_delta = centers.deltas.iter().copied().fold(0.0, f32::max);
        points.iter_mut().for_each(|point| {
            point.upper_bound += centers.deltas[point.index as usize];
            point.lower_bound -= max_delta;
        });
    }
}

/// Weighted greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with the
/// greedy local trials scikit-learn uses): each new centre is the best of a few
/// candidates drawn with probability ∝ weight × squared distance.
pub fn seed_plus_plus(buf: &[WeightedPoint], k: usize, rng: &mut impl Rng) -> Vec<WeightedPoint> {
    let total_w: f64 = chunked_sum(buf.len(), |r| buf[r].iter().map(|p| p.w as f64).sum());
    let weight = |i: usize| buf[i].w as f64;
    let first = RunningSums::of(buf.len(), weight).draw(total_w, rng, weight);
    let mut centres = vec![buf[first]];
    let mut closest: Vec<f32> = buf
        .iter()
        .map(|p| distance_sq(&p.p, &buf[first].p))
        .collect();
    let trials = 2 + (k as f64).ln() as usize;
    let coords = Coordinates::of(buf);
    // Later rounds take the potential of the trial they kept.
    let mut potential = chunked_sum(buf.len(), |r| {
        r.map(|i| buf[i].w as f64 * closest[i] as f64).sum()
    });
    while centres.len() < k {
        if potential <= 0.0 {
            break; // every point already coincides with a centre
        }
        let mut best: Option<(f64, usize, Vec<f32>)> = None;
        let weight = |i: usize| buf[i].w as f64 * closest[i] as f64;
        let sums = RunningSums::of(buf.len(), weight);
        for _ in 0..trials {
            let cand = sums.draw(potential, rng, weight);
            let dist = coords.closer(&closest, &buf[cand].p);
            let pot = chunked_sum(buf.len(), |r| {
                r.map(|i| buf[i].w as f64 * dist[i] as f64).sum()
            });
            if best.as_ref().is_none_or(|b| pot < b.0) {
                best = Some((pot, cand, dist));
            }
        }
        let Some((pot, cand, dist)) = best else { break };
        centres.push(buf[cand]);
        closest = dist;
        potential = pot;
    }
    centres
}

/// The points' coordinates, one array per axis, so that distances to one
/// centre are computed several points at a time.
struct Coordinates([Vec<f32>; 3]);

impl Coordinates {
    fn of(buf: &[WeightedPoint]) -> Self {
        Coordinates([0, 1, 2].map(|a| buf.iter().map(|p| p.p[a]).collect()))
    }

    /// Each point's squared distance to `c` ([`distance_sq`], the same
    /// sums in the same order), or its `closest` if that is smaller.
    fn closer(&self, closest: &[f32], c: &[f32; 3]) -> Vec<f32> {
        let [x, y, z] = &self.0;
        closest
            .iter()
            .zip(x)
            .zip(y)
            .zip(z)
            .map(|(((&near, &x), &y), &z)| {
                let (d0, d1, d2) = (x - c[0], y - c[1], z - c[2]);
                near.min(d0 * d0 + d1 * d1 + d2 * d2)
            })
            .collect()
    }
}

/// Weights are added up in blocks of this many for [`RunningSums`].
const DRAW_BLOCK: usize = 64;

/// The running sum of `n` weights at the start of every block of
/// [`DRAW_BLOCK`], for drawing indices with probability ∝ weight several
/// times from the same weights (the trials of a seeding round).
struct RunningSums {
    /// The sum of the weights before each block, and of all of them.
    before_block: Vec<f64>,
    /// The last index of positive weight.
    last_positive: usize,
    /// The number of weights.
    n: usize,
}

impl RunningSums {
    fn of(n: usize, weight: impl Fn(usize) -> f64) -> Self {
        let mut before_block = Vec::with_capacity(n / DRAW_BLOCK + 2);
        let (mut acc, mut last_positive) = (0.0, 0);
        for i in 0..n {
            if i % DRAW_BLOCK == 0 {
                before_block.push(acc);
            }
            let w = weight(i);
            if w > 0.0 {
                last_positive = i;
                acc += w;
            }
        }
        before_block.push(acc);
        RunningSums {
            before_block,
            last_positive,
            n,
        }
    }

    /// Draws an index with probability ∝ `weight(i)` (the weights these sums
    /// were made of), whose sum is `total`: the first index at which the
    /// running sum passes a uniform target. The sum is taken up from the
    /// start of the block where it passes, so it has the same value as when
    /// added up from the first weight.
    fn draw(&self, total: f64, rng: &mut impl Rng, weight: impl Fn(usize) -> f64) -> usize {
        let target = rng.random::<f64>() * total;
        let ends = &self.before_block[1..];
        let block = ends.partition_point(|&s| s <= target);
        if block < ends.len() {
            let mut acc = self.before_block[block];
            let start = block * DRAW_BLOCK;
            for i in start..(start + DRAW_BLOCK).min(self.n) {
                let w = weight(i);
                if w > 0.0 {
                    acc += w;
                    if acc > target {
                        return i;
                    }
                }
            }
        }
        // Rounding can leave `target` just past the accumulated sum.
        self.last_positive
    }
}

/// Runs Hamerly's accelerated Lloyd iterations from `centroids` until no
/// centroid moves more than the convergence threshold or `max_iterations`.
fn run_hamerly(
    buf: &[WeightedPoint],
    centroids: Vec<WeightedPoint>,
    rng: &mut impl Rng,
    max_iterations: usize,
    converged_shift_sq: f32,
) -> Vec<WeightedPoint> {
    let k = centroids.len();
    let mut centers = HamerlyCentroids::new(k);
    centers.centroids = centroids;
    let mut points = vec![HamerlyPoint::new(); buf.len()];
    // The clusters' sums, kept up to date point by point as points change
    // cluster (few do after the first iterations), instead of summing every
    // point again each iteration as `recalculate_centroids_hamerly` does.
    let mut sums = vec![[0.0f64; 4]; k];
    let mut members = vec![0usize; k];
    let mut member: Vec<Option<u8>> = vec![None; buf.len()];
    for _ in 0..max_iterations {
        WeightedPoint::compute_half_distances(&mut centers);
        WeightedPoint::get_closest_centroid_hamerly(buf, &centers, &mut points);
        for ((point, h), m) in buf.iter().zip(&points).zip(&mut member) {
            if *m != Some(h.index) {
                if let Some(old) = m.replace(h.index) {
                    let old = old as usize;
                    add_point(&mut sums[old], point, -1.0);
                    members[old] -= 1;
                    if members[old] == 0 {
                        // Empty: drop the rounding left in its sums.
                        sums[old] = [0.0; 4];
                    }
                }
                add_point(&mut sums[h.index as usize], point, 1.0);
                members[h.index as usize] += 1;
            }
        }
        let shifts = move_centroids(rng, buf, &mut centers.centroids, means_of(&sums));
        centers.deltas[..shifts.len()].copy_from_slice(&shifts);
        let max_shift = centers.deltas.iter().copied().fold(0.0, f32::max);
        if max_shift * max_shift <= converged_shift_sq {
            break;
        }
        WeightedPoint::update_bounds(&centers, &mut points);
    }
    centers.centroids
}

/// Weighted sum of squared distances from each point to its nearest centroid.
pub fn inertia(buf: &[WeightedPoint], centroids: &[WeightedPoint]) -> f64 {
    chunked_sum(buf.len(), |r| {
        buf[r]
            .iter()
            .map(|p| p.w as f64 * nearest(&p.p, centroids.iter().map(|c| &c.p)).1 as f64)
            .sum()
    })
}

/// Independent k-means++ runs; the one with the lowest inertia is kept. One
/// run (scikit-learn's default) lands in a poor local minimum on some photos;
/// on a few thousand weighted bins more runs cost little. Eight bring every
/// corpus image but one within 1% of an exhaustive search (benches/oracle.rs).
pub const RUNS: usize = 8;

/// The random stream of run `run`: the ChaCha8 generator seeded with `seed`,
/// on stream `run`, so every run draws the same numbers on any thread.
fn run_rng(seed: u64, run: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run as u64);
    rng
}

/// Clusters `buf` into at most `k` centroids: [`RUNS`] independent runs of
/// weighted k-means++ seeding and Hamerly iterations to convergence, run in
/// parallel, each with its own random stream (ChaCha8 seeded with `seed`, on stream `run`); the run with the
/// lowest inertia wins (ties: the lowest run number). Each run is sequential:
/// on a few thousand points, splitting one run across threads cost more in
/// hand-offs than the arithmetic (a per-image batch keeps both cores busy).
pub fn cluster(buf: &[WeightedPoint], k: usize, seed: u64) -> Vec<WeightedPoint> {
    cluster_to(buf, k, seed, CONVERGED_SHIFT_SQ)
}

/// [`cluster`] with each run stopped once no centroid moves more than one
/// unit: for when [`refine`] on finer points follows and does the last steps
/// on the winning run alone.
pub fn cluster_roughly(buf: &[WeightedPoint], k: usize, seed: u64) -> Vec<WeightedPoint> {
    cluster_to(buf, k, seed, ROUGH_SHIFT_SQ)
}

fn cluster_to(
    buf: &[WeightedPoint],
    k: usize,
    seed: u64,
    converged_shift_sq: f32,
) -> Vec<WeightedPoint> {
    let runs: Vec<(f64, Vec<WeightedPoint>)> = (0..RUNS)
        .into_par_iter()
        .map(|run| {
            let mut rng = run_rng(seed, run);
            let init = seed_plus_plus(buf, k, &mut rng);
            let centroids = run_hamerly(buf, init, &mut rng, MAX_ITERATIONS, converged_shift_sq);
            (inertia(buf, &centroids), centroids)
        })
        .collect();
    let mut best: Option<(f64, Vec<WeightedPoint>)> = None;
    for (score, centroids) in runs {
        if best.as_ref().is_none_or(|b| score < b.0) {
            best = Some((score, centroids));
        }
    }
    best.map(|b| b.1).unwrap_or_default()
}

/// Refines centroids found on coarse points (colour bins' means) on finer
/// ones (an image's exact colours): Hamerly iterations from `centroids` to
/// convergence. A cluster left empty is re-seeded from the random stream
/// after the [`cluster`] runs' own, so the result depends on `seed` alone.
pub fn refine(
    buf: &[WeightedPoint],
    centroids: Vec<WeightedPoint>,
    seed: u64,
) -> Vec<WeightedPoint> {
    let mut rng = run_rng(seed, RUNS);
    run_hamerly(buf, centroids, &mut rng, MAX_ITERATIONS, CONVERGED_SHIFT_SQ)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(x: f32, y: f32, w: f32) -> WeightedPoint {
        WeightedPoint { p: [x, y, 0.0], w }
    }

    #[test]
    fn weights_pull_the_mean() {
        let buf = [pt(0.0, 0.0, 3.0), pt(4.0, 0.0, 1.0)];
        let means = weighted_means(&buf, 2, |_| 0);
        assert_eq!(means[0], Some([1.0, 0.0, 0.0]));
        assert_eq!(means[1], None);
    }

    #[test]
    fn separates_two_blobs() {
        let mut buf = Vec::new();
        for i in 0..50 {
            buf.push(pt(i as f32 * 0.01, 0.0, 1.0));
            buf.push(pt(50.0 + i as f32 * 0.01, 10.0, 2.0));
        }
        let mut c: Vec<[f32; 3]> = cluster(&buf, 2, 42).iter().map(|c| c.p).collect();
        c.sort_by(|a, b| a[0].total_cmp(&b[0]));
        assert!((c[0][0] - 0.245).abs() < 1e-3, "{c:?}");
        assert!(
            (c[1][0] - 50.245).abs() < 1e-3 && (c[1][1] - 10.0).abs() < 1e-4,
            "{c:?}"
        );
    }

    #[test]
    fn hamerly_matches_plain_lloyd_from_the_same_seeds() {
        let buf: Vec<WeightedPoint> = (0..3000)
            .map(|i| {
                let x = ((i * 7919) % 1000) as f32 / 10.0;
                let y = ((i * 104729) % 997) as f32 / 10.0;
                pt(x, y, 1.0 + (i % 5) as f32)
            })
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let init = seed_plus_plus(&buf, 6, &mut rng);
        let fast = run_hamerly(
            &buf,
            init.clone(),
            &mut rng.clone(),
            500,
            CONVERGED_SHIFT_SQ,
        );
        // Plain Lloyd through the crate's Calculate trait.
        let mut lloyd = init;
        for _ in 0..500 {
            let mut idx = Vec::new();
            WeightedPoint::get_closest_centroid(&buf, &lloyd, &mut idx);
            let old = lloyd.clone();
            WeightedPoint::recalculate_centroids(&mut rng, &buf, &mut lloyd, &idx);
            if WeightedPoint::check_loop(&lloyd, &old) <= CONVERGED_SHIFT_SQ {
                break;
            }
        }
        let (a, b) = (inertia(&buf, &fast), inertia(&buf, &lloyd));
        assert!((a - b).abs() / b < 1e-4, "hamerly {a} lloyd {b}");
    }

    #[test]
    fn drawing_from_running_sums_picks_what_adding_from_the_start_picks() {
        // Weights with zeros, tiny and huge values, over a partial last block.
        let n = 5 * DRAW_BLOCK + 17;
        let weight = |i: usize| match i % 7 {
            0 => 0.0,
            1 => 1e-9,
            2 => 1e6,
            _ => (i % 13) as f64 + 0.25,
        };
        let total: f64 = (0..n).map(weight).sum();
        let sums = RunningSums::of(n, weight);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..2000 {
            let mut plain = rng.clone();
            let target = plain.random::<f64>() * total;
            let mut acc = 0.0;
            let expected = (0..n)
                .find(|&i| {
                    let w = weight(i);
                    w > 0.0 && {
                        acc += w;
                        acc > target
                    }
                })
                .unwrap_or_else(|| (0..n).rev().find(|&i| weight(i) > 0.0).unwrap());
            assert_eq!(sums.draw(total, &mut rng, weight), expected);
        }
        // A target past the sum (rounding) gives the last positive weight.
        let w = |i: usize| [1.0, 1.0, 0.0][i];
        let last = RunningSums::of(3, w);
        assert_eq!(last.draw(1e9, &mut ChaCha8Rng::seed_from_u64(0), w), 1);
    }

    #[test]
    fn seeding_never_picks_a_zero_weight_point_and_stops_when_covered() {
        let buf = [pt(0.0, 0.0, 1.0), pt(9.0, 9.0, 0.0), pt(1.0, 1.0, 1.0)];
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let seeds = seed_plus_plus(&buf, 3, &mut rng);
        assert!(seeds.iter().all(|s| s.w > 0.0));
        assert_eq!(seeds.len(), 2);
    }

    #[test]
    fn clusters_do_not_depend_on_thread_count() {
        let buf: Vec<WeightedPoint> = (0..20_000)
            .map(|i| pt((i as f32).sin() * 50.0, (i as f32).cos(), 1.3))
            .collect();
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| cluster(&buf, 8, 42))
        };
        assert_eq!(run(1), run(4));
    }
}
