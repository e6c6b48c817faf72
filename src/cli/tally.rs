//! The progress bar's length while inputs are offered: one a still, and a
//! film counts the frames it is expected to give (its declared length and
//! the sampling: an estimate only, corrected by the frames it does give),
//! so a long film shows frames done of frames expected, a rate and the time
//! left.

use std::sync::Arc;

use indicatif::ProgressBar;
use scenepal::video::Film;

use super::films::Work;
use super::sinks::bar_style;

/// The film being offered and what it adds to the bar's length.
struct Counted {
    film: Arc<Film>,
    /// What the film adds to the length now (1 at first: an input counts
    /// one until its frames are known).
    counted: u64,
    /// Its frames offered so far.
    offered: u64,
}

/// Keeps the bar's length in step with the units offered to the workers.
pub struct Tally {
    bar: ProgressBar,
    film: Option<Counted>,
    /// A still has been offered: the bar counts "images", not "frames".
    stills: bool,
    /// A film's frame has been offered.
    frames: bool,
}

impl Tally {
    /// A tally of `bar`, whose length starts at one per input.
    pub fn new(bar: ProgressBar) -> Self {
        Tally {
            bar,
            film: None,
            stills: false,
            frames: false,
        }
    }

    /// Counts `unit`, offered to the workers in input order.
    pub fn offered(&mut self, unit: &Work) {
        match unit {
            Work::Frame { film, index, .. } => {
                let same = self
                    .film
                    .as_ref()
                    .is_some_and(|c| Arc::ptr_eq(&c.film, film));
                if !same {
                    self.settle();
                    self.film = Some(Counted {
                        film: Arc::clone(film),
                        counted: 1,
                        offered: 0,
                    });
                }
                if let Some(counted) = &mut self.film {
                    counted.offered = counted.offered.max(*index as u64 + 1);
                }
                if !self.frames && !self.stills {
                    self.bar.set_style(bar_style("frames"));
                }
                self.frames = true;
            }
            Work::Input(_) => {
                self.settle();
                if self.frames && !self.stills {
                    self.bar.set_style(bar_style("images"));
                }
                self.stills = true;
            }
        }
        self.refresh();
    }

    /// Brings the length in line with what is known of the film being
    /// offered: its frames offered, or as many as it is expected to give.
    /// (A frame offered past its end leaves the count when its worker finds
    /// nothing.)
    fn refresh(&mut self) {
        let Some(counted) = &mut self.film else {
            return;
        };
        let expected = counted.film.expected_frames().map_or(0, |n| n as u64);
        let target = counted.offered.max(expected);
        let was = std::mem::replace(&mut counted.counted, target);
        self.resize(was, target);
    }

    /// The film offered before is over: it counts the frames it was
    /// offered, whatever its length promised.
    fn settle(&mut self) {
        if let Some(counted) = self.film.take() {
            self.resize(counted.counted, counted.offered);
        }
    }

    /// Replaces `was` units of the length by `now`.
    fn resize(&self, was: u64, now: u64) {
        let length = self.bar.length().unwrap_or(0);
        self.bar.set_length((length + now).saturating_sub(was));
    }
}
