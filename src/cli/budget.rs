//! The memory budget (`--max-memory`): images are admitted to decoding only
//! while the estimated sizes of those in flight fit in it, so `-j 16` over a
//! folder of huge images never holds sixteen of them at once.

use std::sync::{Arc, Condvar, Mutex};

/// Default budget: room for any image under the default `--max-pixels`
/// (2^28 pixels of 16-bit RGBA decoded, 8 bytes, plus their RGBA8 copy, 4),
/// a fixed number so that output never depends on the machine.
pub const DEFAULT_MAX_MEMORY: &str = "4G";

/// Bytes in use by the images being worked on, against a limit.
pub struct MemoryBudget {
    limit: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// A share of the budget, given back when dropped.
pub struct Permit<'a> {
    budget: &'a MemoryBudget,
    bytes: u64,
}

/// A share of the budget that may outlive its borrower (kept by a film
/// while its ffmpeg runs), given back when dropped.
pub struct OwnedPermit {
    budget: Arc<MemoryBudget>,
    bytes: u64,
}

impl Drop for OwnedPermit {
    fn drop(&mut self) {
        self.budget.release(self.bytes);
    }
}

impl MemoryBudget {
    /// A budget of `limit` bytes.
    pub fn new(limit: u64) -> Self {
        MemoryBudget {
            limit,
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// The limit in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Waits until `bytes` fit beside what is in use, and takes them;
    /// `None` when `bytes` alone exceed the limit (waiting would not help).
    pub fn acquire(&self, bytes: u64) -> Option<Permit<'_>> {
        self.take(bytes).then(|| Permit {
            budget: self,
            bytes,
        })
    }

    /// As [`MemoryBudget::acquire`], for a share kept beyond the caller.
    pub fn acquire_owned(self: &Arc<Self>, bytes: u64) -> Option<OwnedPermit> {
        self.take(bytes).then(|| OwnedPermit {
            budget: Arc::clone(self),
            bytes,
        })
    }

    fn take(&self, bytes: u64) -> bool {
        if bytes > self.limit {
            return false;
        }
        // A poisoned lock only means another worker panicked (that panic is
        // its input's error); the count itself is still right.
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used + bytes > self.limit {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += bytes;
        true
    }

    fn release(&self, bytes: u64) {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        *used -= bytes;
        self.freed.notify_all();
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.budget.release(self.bytes);
    }
}

/// Bytes as people write them: `512M`, `2G`, `1.5G`, `300MiB`, `4096`
/// (K, M, G, T are powers of 1024).
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let text = s.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        "T" | "TB" | "TIB" => 1 << 40,
        _ => return Err(format!("must be a size such as 512M or 2G, got `{s}`")),
    };
    match number.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v * (scale as f64) < u64::MAX as f64 => {
            Ok((v * scale as f64) as u64)
        }
        _ => Err(format!("must be a size such as 512M or 2G, got `{s}`")),
    }
}

/// Bytes for a message: `1.5 GiB`, `300 MiB`, `12 KiB`.
pub fn show_bytes(bytes: u64) -> String {
    let units = [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)];
    for (name, shift) in units {
        if bytes >= 1 << shift {
            let v = bytes as f64 / (1u64 << shift) as f64;
            return if v >= 10.0 {
                format!("{v:.0} {name}")
            } else {
                format!("{v:.1} {name}")
            };
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn sizes_parse_as_people_write_them() {
        assert_eq!(parse_bytes("512M"), Ok(512 << 20));
        assert_eq!(parse_bytes("2G"), Ok(2 << 30));
        assert_eq!(parse_bytes("1.5g"), Ok(3 << 29));
        assert_eq!(parse_bytes("300MiB"), Ok(300 << 20));
        assert_eq!(parse_bytes("4096"), Ok(4096));
        assert_eq!(parse_bytes(DEFAULT_MAX_MEMORY), Ok(4 << 30));
        for bad in ["", "0", "-1G", "2X", "G"] {
            assert!(parse_bytes(bad).is_err(), "{bad}");
        }
        assert_eq!(show_bytes(3 << 29), "1.5 GiB");
        assert_eq!(show_bytes(300 << 20), "300 MiB");
    }

    #[test]
    fn what_does_not_fit_waits_and_what_never_fits_is_refused() {
        let budget = Arc::new(MemoryBudget::new(100));
        assert!(budget.acquire(101).is_none());
        let first = budget.acquire(70).unwrap();
        let waiting = {
            let budget = Arc::clone(&budget);
            std::thread::spawn(move || {
                let _second = budget.acquire(70).unwrap();
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiting.is_finished(), "70 + 70 > 100: the second waits");
        drop(first);
        waiting.join().unwrap();
    }
}
