//! What `fcall batch` counts: the exit code of the whole batch (the most severe of its
//! lines', by [`Exit::worse`]), the outcome counts and latency percentiles ([`Histogram`]) of the
//! summary line written on stderr at the end.

use std::time::Duration;

use super::call::Done;
use crate::error::Exit;

/// Latencies in logarithmic buckets (1 % apart, 1 µs to about an hour): percentiles with
/// memory that does not grow with the number of lines.
pub struct Histogram {
    buckets: Vec<u64>,
    n: u64,
}

const GROWTH: f64 = 1.01;
const BUCKETS: usize = 2200;

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: vec![0; BUCKETS],
            n: 0,
        }
    }
}

impl Histogram {
    pub fn record(&mut self, d: Duration) {
        let us = (d.as_secs_f64() * 1e6).max(1.0);
        let i = (us.ln() / GROWTH.ln()).floor() as usize;
        self.buckets[i.min(BUCKETS - 1)] += 1;
        self.n += 1;
    }

    /// The `p` quantile (0 < p ≤ 1) in milliseconds, to within 1 %.
    pub fn quantile_ms(&self, p: f64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let want = ((p * self.n as f64).ceil() as u64).clamp(1, self.n);
        let mut seen = 0;
        for (i, c) in self.buckets.iter().enumerate() {
            seen += c;
            if seen >= want {
                return Some(GROWTH.powf(i as f64 + 0.5) / 1000.0);
            }
        }
        None
    }
}

/// Counts for the summary line and the exit code.
#[derive(Default)]
pub(super) struct Stats {
    pub(super) count: u64,
    ok: u64,
    function: u64,
    refused: u64,
    transport: u64,
    bad: u64,
    internal: u64,
    /// Lines with an expectation not met (whatever their code).
    unmet: u64,
    /// Lines sent by an earlier run and never answered (`--journal`).
    uncertain: u64,
    pub(super) exit: u8,
    latency: Histogram,
}

impl Stats {
    pub(super) fn add(&mut self, d: &Done) {
        self.count += 1;
        if d.uncertain {
            self.uncertain += 1;
        }
        match Exit::of(d.code) {
            _ if d.uncertain => {}
            Exit::Ok => self.ok += 1,
            Exit::Function => self.function += 1,
            Exit::Config | Exit::Refused => self.refused += 1,
            Exit::Transport => self.transport += 1,
            Exit::Usage => self.bad += 1,
            Exit::Expectation => {}
            Exit::Internal | Exit::Interrupted => self.internal += 1,
        }
        if d.unmet {
            self.unmet += 1;
        }
        self.exit = Exit::worse(self.exit, d.code);
        if let Some(l) = d.latency {
            self.latency.record(l);
        }
    }

    pub(super) fn failed(&self) -> u64 {
        self.count - self.ok
    }

    pub(super) fn summary(
        &self,
        note: Option<&str>,
        elapsed: Option<std::time::Duration>,
    ) -> String {
        let mut parts = vec![
            format!(
                "{} invocation{}",
                self.count,
                if self.count == 1 { "" } else { "s" }
            ),
            format!("ok {}", self.ok),
            format!("function errors {}", self.function),
            format!("refused {}", self.refused),
            format!("transport errors {}", self.transport),
        ];
        if self.uncertain > 0 {
            parts.push(format!("uncertain {}", self.uncertain));
        }
        if self.unmet > 0 {
            parts.push(format!("expectations not met {}", self.unmet));
        }
        if self.bad > 0 {
            parts.push(format!("bad lines {}", self.bad));
        }
        if self.internal > 0 {
            parts.push(format!("internal errors {}", self.internal));
        }
        let q = |p| {
            self.latency
                .quantile_ms(p)
                .map(ms)
                .unwrap_or_else(|| "-".into())
        };
        parts.push(format!(
            "latency p50 {} · p95 {} · p99 {}",
            q(0.50),
            q(0.95),
            q(0.99)
        ));
        if let Some(t) = elapsed {
            let secs = t.as_secs_f64();
            parts.push(format!(
                "total {secs:.2} s · {:.0}/s",
                self.count as f64 / secs.max(1e-3)
            ));
        }
        if let Some(n) = note {
            parts.push(n.to_string());
        }
        format!("batch: {}", parts.join(" · "))
    }
}

fn ms(v: f64) -> String {
    if v < 100.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.0} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::error::code;

    // the severity order itself is tested with the exit classes, in error.rs

    #[test]
    fn histogram_quantiles_within_a_percent() {
        let mut h = Histogram::default();
        assert_eq!(h.quantile_ms(0.5), None);
        for ms in 1..=1000u64 {
            h.record(Duration::from_millis(ms));
        }
        for (p, want) in [(0.5, 500.0), (0.95, 950.0), (0.99, 990.0)] {
            let got = h.quantile_ms(p).unwrap();
            assert!((got - want).abs() / want < 0.011, "p{p}: {got}");
        }
        h.record(Duration::from_secs(100_000));
        assert!(h.quantile_ms(1.0).unwrap() > 1e6);
    }

    #[test]
    fn summary_counts() {
        let mut s = Stats::default();
        for (c, l) in [(0, 2), (6, 4), (4, 6), (5, 8), (2, 0)] {
            s.add(&Done {
                no: 0,
                journal: None,
                uncertain: false,
                text: Vec::new(),
                code: c,
                unmet: false,
                failure: None,
                latency: (l > 0).then(|| Duration::from_millis(l)),
            });
        }
        assert_eq!(s.exit, code::TRANSPORT);
        let line = s.summary(None, None);
        assert!(
            line.starts_with(
                "batch: 5 invocations · ok 1 · function errors 1 · refused 1 · transport errors 1 · bad lines 1 · latency p50 4.0 ms"
            ),
            "{line}"
        );
    }

    #[test]
    fn unmet_expectations_are_counted_whatever_the_code() {
        let mut s = Stats::default();
        for (c, unmet) in [(0, false), (7, true), (6, true), (6, false)] {
            s.add(&Done {
                no: 0,
                journal: None,
                uncertain: false,
                text: Vec::new(),
                code: c,
                unmet,
                failure: None,
                latency: Some(Duration::from_millis(1)),
            });
        }
        assert_eq!(s.exit, code::EXPECTATION);
        assert_eq!(s.failed(), 3);
        let line = s.summary(None, None);
        assert!(
            line.starts_with(
                "batch: 4 invocations · ok 1 · function errors 2 · refused 0 · transport errors 0 · expectations not met 2 · latency"
            ),
            "{line}"
        );
    }
}
