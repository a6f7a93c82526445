//! `-j auto`: how many calls a batch keeps in flight, found as TCP finds its window
//! (additive increase, multiplicative decrease): start low, add one call per round of
//! successes while latency holds, cut by 30 % when the provider throttles (a 429 or 503,
//! retried or not), at most once a round, never above `--max-concurrency`.

use std::time::Duration;

#[derive(Debug)]
pub(super) struct Limiter {
    limit: f64,
    max: f64,
    /// The lowest latency seen: what a call costs when nothing queues.
    floor: Option<Duration>,
    /// Throttling answers seen so far (the transport's count).
    throttled: u64,
    /// Calls finished since the last cut: a cut waits for a round of them.
    since_cut: u64,
    peak: usize,
}

/// Where `-j auto` starts.
const START: f64 = 4.0;

impl Limiter {
    pub(super) fn new(max: usize) -> Limiter {
        let max = max.max(1) as f64;
        Limiter {
            limit: START.min(max),
            max,
            floor: None,
            throttled: 0,
            since_cut: 0,
            peak: START.min(max) as usize,
        }
    }

    /// The calls that may be in flight now.
    pub(super) fn limit(&self) -> usize {
        (self.limit.floor() as usize).max(1)
    }

    /// The highest limit reached.
    pub(super) fn peak(&self) -> usize {
        self.peak
    }

    /// A call finished after `latency` (none for a line that sent nothing); the transport
    /// has seen `throttled` throttling answers in all.
    pub(super) fn finished(&mut self, latency: Option<Duration>, throttled: u64) {
        self.since_cut += 1;
        if throttled > self.throttled {
            self.throttled = throttled;
            if self.since_cut as f64 >= self.limit {
                self.limit = (self.limit * 0.7).max(1.0);
                self.since_cut = 0;
            }
            return;
        }
        let Some(latency) = latency else { return };
        let floor = *self.floor.get_or_insert(latency);
        if latency < floor {
            self.floor = Some(latency);
        }
        // queueing somewhere: latency well above the floor means more calls only wait
        if latency > floor * 2 + Duration::from_millis(5) {
            return;
        }
        self.limit = (self.limit + 1.0 / self.limit).min(self.max);
        self.peak = self.peak.max(self.limit());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS20: Option<Duration> = Some(Duration::from_millis(20));

    #[test]
    fn grows_by_one_a_round_while_calls_succeed() {
        let mut l = Limiter::new(256);
        assert_eq!(l.limit(), 4);
        // about one more call a round: 1/limit a success
        for _ in 0..5 {
            l.finished(MS20, 0);
        }
        assert_eq!(l.limit(), 5);
        for _ in 0..1000 {
            l.finished(MS20, 0);
        }
        assert!(l.limit() > 40, "{}", l.limit());
        // never above the maximum
        let mut small = Limiter::new(6);
        for _ in 0..1000 {
            small.finished(MS20, 0);
        }
        assert_eq!((small.limit(), small.peak()), (6, 6));
    }

    #[test]
    fn cuts_once_a_round_on_throttling() {
        let mut l = Limiter::new(256);
        for _ in 0..400 {
            l.finished(MS20, 0);
        }
        let before = l.limit();
        l.finished(MS20, 1);
        let cut = l.limit();
        assert!(cut <= before * 7 / 10 + 1, "{before} → {cut}");
        // more throttles in the same round do not cut again
        for t in 2..5 {
            l.finished(MS20, t);
        }
        assert_eq!(l.limit(), cut);
        assert_eq!(l.peak(), before);
    }

    #[test]
    fn holds_while_latency_rises() {
        let mut l = Limiter::new(256);
        l.finished(MS20, 0);
        let held = l.limit();
        for _ in 0..50 {
            l.finished(Some(Duration::from_millis(200)), 0);
        }
        assert_eq!(l.limit(), held);
    }
}
