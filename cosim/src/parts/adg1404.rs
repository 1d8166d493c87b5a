//! Analog Devices ADG1404, one 4:1 mux per line: `A1 A0` select `S1`
//! ground, `S2` the line's DAC, `S3` the TIA, `S4` open (float); `EN` (the
//! PHY's `apply` pin, shared) low opens every switch and the line sits on
//! its pull-down to ground.

use super::{at_least, check, ns, PartError};
use neuroxbar_models::frontend::ChannelMode;

const PART: &str = "ADG1404";

/// Switching limits (ADG1404 data sheet, dynamic characteristics). Check
/// them against the revision and supplies used on the board.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adg1404Timing {
    /// t_TRANSITION: address change to the new switch settled; the address
    /// must be stable this long before `EN` rises.
    pub transition_max_s: f64,
}

impl Default for Adg1404Timing {
    fn default() -> Self {
        Self {
            transition_max_s: 250e-9,
        }
    }
}

/// `n` ADG1404 with a shared `EN`.
#[derive(Debug, Clone)]
pub struct Adg1404 {
    pub timing: Adg1404Timing,
    n: usize,
    a0: u64,
    a1: u64,
    en: bool,
    t_addr_change_s: f64,
    /// Shortest address-to-EN time seen, seconds.
    pub min_addr_to_en_s: f64,
}

impl Adg1404 {
    pub fn new(n: usize, timing: Adg1404Timing) -> Self {
        Self {
            timing,
            n,
            a0: 0,
            a1: 0,
            en: false,
            t_addr_change_s: f64::NEG_INFINITY,
            min_addr_to_en_s: f64::INFINITY,
        }
    }

    /// The selected input of line `i` (what the line gets while `EN` is high).
    pub fn mode(&self, i: usize) -> ChannelMode {
        match ((self.a1 >> i) & 1, (self.a0 >> i) & 1) {
            (0, 0) => ChannelMode::Ground,
            (0, 1) => ChannelMode::Drive,
            (1, 0) => ChannelMode::Sense,
            _ => ChannelMode::Float,
        }
    }

    pub fn enabled(&self) -> bool {
        self.en
    }

    /// The pins during the cycle that starts at `t_s`.
    pub fn observe(&mut self, t_s: f64, a0: u64, a1: u64, en: bool) -> Result<(), PartError> {
        let mask = if self.n >= 64 {
            u64::MAX
        } else {
            (1u64 << self.n) - 1
        };
        let (a0, a1) = (a0 & mask, a1 & mask);
        if a0 != self.a0 || a1 != self.a1 {
            let changed = (a0 ^ self.a0) | (a1 ^ self.a1);
            check(
                !(self.en && en),
                PART,
                "address change while enabled",
                t_s,
                || {
                    format!(
                        "lines {:#x} switch under an applied pulse (EN high)",
                        changed
                    )
                },
            )?;
            self.t_addr_change_s = t_s;
        }
        if en && !self.en {
            let dt = t_s - self.t_addr_change_s;
            self.min_addr_to_en_s = self.min_addr_to_en_s.min(dt);
            let tm = self.timing.transition_max_s;
            check(
                at_least(dt, tm),
                PART,
                "t_TRANSITION before EN",
                t_s,
                || {
                    format!("EN rose {:.1} ns after the address changed, the switch settles in {:.1} ns", ns(dt), ns(tm))
                },
            )?;
        }
        self.a0 = a0;
        self.a1 = a1;
        self.en = en;
        Ok(())
    }
}
