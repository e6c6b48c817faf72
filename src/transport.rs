//! The earth mover's distance between two palettes as weighted colour sets,
//! ground distance CIEDE2000: how much of one palette must move, and how far,
//! to become the other. Unlike a colour-by-colour pairing it does not care
//! which of two near-equal k-means clusters took which share.

use crate::color::{delta_e, Rgb};

/// Weights below this (after normalising a side to 1) count as used up:
/// the rounding left by subtracting shares, not colour.
const EPSILON: f64 = 1e-12;

/// The earth mover's distance between palettes `a` and `b`, each a list of
/// (colour, weight), in CIEDE2000 ΔE: the least mean ΔE over a transport of
/// one palette's weight onto the other's. Each side's weights are scaled to
/// sum to 1 (negative or non-finite weights count as 0), so a reordering is
/// 0 and one colour moved by ΔE d carrying share s costs s·d. Two empty (or
/// weightless) palettes are 0 apart; one such against another is infinite.
pub fn palette_distance(a: &[(Rgb, f64)], b: &[(Rgb, f64)]) -> f64 {
    let costs: Vec<Vec<f64>> = a
        .iter()
        .map(|x| b.iter().map(|y| f64::from(delta_e(x.0, y.0))).collect())
        .collect();
    let weights = |side: &[(Rgb, f64)]| side.iter().map(|c| c.1).collect::<Vec<_>>();
    transport_cost(&weights(a), &weights(b), &costs)
}

/// The least cost of moving supplies `a` onto demands `b` when a unit moved
/// from `i` to `j` costs `costs[i][j]` (non-negative), both sides scaled to
/// a total of 1: the transportation problem, solved exactly by successive
/// shortest paths (Dijkstra with potentials on the residual graph). Each
/// augmentation empties a supply, a demand or a reversed flow, so it ends
/// after at most a few times `a.len() + b.len()` of them, each O(n·m).
pub fn transport_cost(a: &[f64], b: &[f64], costs: &[Vec<f64>]) -> f64 {
    let (Some(mut supply), Some(mut demand)) = (normalised(a), normalised(b)) else {
        let empty = |w: &[f64]| normalised(w).is_none();
        return if empty(a) && empty(b) {
            0.0
        } else {
            f64::INFINITY
        };
    };
    let (n, m) = (supply.len(), demand.len());
    let mut flow = vec![vec![0.0f64; m]; n];
    // Node potentials: sources 0..n, sinks n..n+m. Costs are non-negative,
    // so zero potentials start every reduced cost non-negative.
    let mut potential = vec![0.0f64; n + m];
    loop {
        if supply.iter().all(|&s| s <= 0.0) || demand.iter().all(|&d| d <= 0.0) {
            break;
        }
        // Dijkstra from every source with supply left, on reduced costs.
        let mut dist = vec![f64::INFINITY; n + m];
        let mut parent = vec![usize::MAX; n + m];
        let mut done = vec![false; n + m];
        for i in 0..n {
            if supply[i] > 0.0 {
                dist[i] = 0.0;
            }
        }
        while let Some(u) = (0..n + m)
            .filter(|&v| !done[v] && dist[v].is_finite())
            .min_by(|&x, &y| dist[x].total_cmp(&dist[y]).then(x.cmp(&y)))
        {
            done[u] = true;
            let mut relax = |v: usize, cost: f64| {
                // Rounding can leave a reduced cost a hair below zero.
                let reduced = (cost + potential[u] - potential[v]).max(0.0);
                if dist[u] + reduced < dist[v] {
                    dist[v] = dist[u] + reduced;
                    parent[v] = u;
                }
            };
            if u < n {
                for (j, &cost) in costs[u].iter().enumerate() {
                    relax(n + j, cost);
                }
            } else {
                let j = u - n;
                for i in 0..n {
                    if flow[i][j] > 0.0 {
                        relax(i, -costs[i][j]);
                    }
                }
            }
        }
        let Some(sink) = (0..m)
            .filter(|&j| demand[j] > 0.0 && dist[n + j].is_finite())
            .min_by(|&x, &y| dist[n + x].total_cmp(&dist[n + y]).then(x.cmp(&y)))
        else {
            break;
        };
        let reach = dist[n + sink];
        for (p, d) in potential.iter_mut().zip(&dist) {
            *p += d.min(reach);
        }
        // The path, sink to source, and how much it can carry.
        let mut path = vec![n + sink];
        while parent[*path.last().expect("the path starts at the sink")] != usize::MAX {
            path.push(parent[*path.last().expect("the path is not empty")]);
        }
        let source = *path.last().expect("the path ends at a source");
        let mut amount = supply[source].min(demand[sink]);
        for edge in path.windows(2) {
            let (to, from) = (edge[0], edge[1]);
            if from >= n {
                amount = amount.min(flow[to][from - n]);
            }
        }
        for edge in path.windows(2) {
            let (to, from) = (edge[0], edge[1]);
            if from < n {
                flow[from][to - n] += amount;
            } else {
                flow[to][from - n] = used_up(flow[to][from - n] - amount);
            }
        }
        supply[source] = used_up(supply[source] - amount);
        demand[sink] = used_up(demand[sink] - amount);
    }
    flow.iter()
        .zip(costs)
        .map(|(row, cost)| row.iter().zip(cost).map(|(f, c)| f * c).sum::<f64>())
        .sum()
}

/// Weights scaled to sum to 1, or `None` when they hold no weight.
fn normalised(weights: &[f64]) -> Option<Vec<f64>> {
    let clean: Vec<f64> = weights
        .iter()
        .map(|&w| if w.is_finite() && w > 0.0 { w } else { 0.0 })
        .collect();
    let total: f64 = clean.iter().sum();
    (total > 0.0 && total.is_finite()).then(|| clean.iter().map(|w| w / total).collect())
}

/// `x`, or 0 when only rounding is left of it.
fn used_up(x: f64) -> f64 {
    if x <= EPSILON {
        0.0
    } else {
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn identical_and_reordered_palettes_are_zero_apart() {
        let a = [([200, 0, 0], 0.75), ([0, 0, 200], 0.25)];
        let b = [([0, 0, 200], 0.25), ([200, 0, 0], 0.75)];
        assert_eq!(palette_distance(&a, &a), 0.0);
        assert_eq!(palette_distance(&a, &b), 0.0);
    }

    #[test]
    fn one_colour_each_is_their_delta_e() {
        let (x, y) = ([10, 20, 30], [40, 50, 60]);
        let d = f64::from(delta_e(x, y));
        assert!(close(palette_distance(&[(x, 1.0)], &[(y, 3.0)]), d));
    }

    #[test]
    fn a_split_colour_costs_each_share_times_its_distance() {
        let (p, q, r) = ([128, 128, 128], [140, 128, 128], [0, 0, 0]);
        let expected = 0.25 * f64::from(delta_e(p, q)) + 0.75 * f64::from(delta_e(p, r));
        let got = palette_distance(&[(p, 1.0)], &[(q, 0.25), (r, 0.75)]);
        assert!(close(got, expected), "{got} {expected}");
    }

    #[test]
    fn two_clusters_that_traded_shares_cost_only_the_moved_share() {
        // Golden: x 0.6, y 0.4; this run: x 0.4, y 0.6. Only 0.2 moves x -> y.
        let (x, y) = ([100, 110, 120], [104, 110, 120]);
        let got = palette_distance(&[(x, 0.6), (y, 0.4)], &[(x, 0.4), (y, 0.6)]);
        assert!(close(got, 0.2 * f64::from(delta_e(x, y))), "{got}");
    }

    #[test]
    fn the_optimum_is_found_where_greedy_pairing_fails() {
        // Greedy takes the cheapest pair (0,0) first and pays 1 + 100.
        let costs = vec![vec![1.0, 2.0], vec![2.0, 100.0]];
        assert!(close(transport_cost(&[1.0, 1.0], &[1.0, 1.0], &costs), 2.0));
    }

    #[test]
    fn equal_weights_match_the_best_assignment_found_by_brute_force() {
        // A small seeded generator: deterministic costs without a crate.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 1000) as f64
        };
        fn best(costs: &[Vec<f64>], row: usize, used: &mut Vec<bool>) -> f64 {
            if row == costs.len() {
                return 0.0;
            }
            let mut min = f64::INFINITY;
            for j in 0..costs.len() {
                if !used[j] {
                    used[j] = true;
                    min = min.min(costs[row][j] + best(costs, row + 1, used));
                    used[j] = false;
                }
            }
            min
        }
        for n in 1..=6 {
            for _ in 0..20 {
                let costs: Vec<Vec<f64>> =
                    (0..n).map(|_| (0..n).map(|_| next()).collect()).collect();
                let expected = best(&costs, 0, &mut vec![false; n]) / n as f64;
                let got = transport_cost(&vec![1.0; n], &vec![1.0; n], &costs);
                assert!(close(got, expected), "n={n}: {got} vs {expected}");
            }
        }
    }

    #[test]
    fn unequal_sizes_and_weightless_sides() {
        // 1/2 at cost 3, 1/2 split 1/6 at 1 and 1/3 at 4: the supplies
        // are [1/2, 1/2], the demands [2/3, 1/3].
        let costs = vec![vec![3.0, 9.0], vec![1.0, 4.0]];
        let got = transport_cost(&[1.0, 1.0], &[2.0, 1.0], &costs);
        assert!(
            close(got, 0.5 * 3.0 + 1.0 / 6.0 * 1.0 + 1.0 / 3.0 * 4.0),
            "{got}"
        );
        assert_eq!(transport_cost(&[], &[], &[]), 0.0);
        assert_eq!(transport_cost(&[1.0], &[], &[vec![]]), f64::INFINITY);
        assert_eq!(transport_cost(&[0.0], &[1.0], &[vec![1.0]]), f64::INFINITY);
    }
}
