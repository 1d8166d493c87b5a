//! Golden model of `neuroxbar_rtl::stdp::StdpUnit<N_ROWS, N_COLS>`, cycle
//! accurate, and the mapping from a device's measured STDP window onto the
//! unit's registers.
//!
//! # The rule it approximates
//!
//! Pair-based, nearest-spike STDP with exponential windows
//! (`dt = t_post - t_pre`):
//!
//! ```text
//! dW = +A+ exp(-dt / tau+)     dt > 0   (pre before post: potentiation)
//! dW = -A- exp(+dt / tau-)     dt < 0   (post before pre: depression)
//! ```
//!
//! Time is quantised to steps of `tick` seconds; a pair `d >= 1` steps apart
//! sees `d` trace decays of factor `1 - 2^-s`, so
//!
//! ```text
//! trace(d) = trace_max * (1 - 2^-s)^d = trace_max * exp(-d tick / tau)
//! tau      = tick / (-ln(1 - 2^-s))            (s = pre/post_decay_shift)
//! count(d) = (a * trace(d)) >> count_shift     (pulses, saturating at 255)
//!          = A * P * exp(-d tick / tau)        with A * P = a * trace_max / 2^count_shift
//! ```
//!
//! where `P` is the number of identical programming pulses per unit weight
//! change. The pre trace carries the LTP branch (`tau+`), the post trace the
//! LTD branch (`tau-`). Same-step pairs (`d = 0`) do not learn, and the
//! integer trace and count truncate (floor), so small counts fall off
//! faster than the exponential. Constant offsets of a fitted window (`dW0+-`)
//! are not represented (cut the window where a branch changes sign).
//! [`stdp_registers`] picks the register values for a measured window.

use super::cmd_bus::{LearnStep, RowScan};
use super::fixed::low_mask;

/// Inputs during one clock cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StdpInputs {
    pub reset: bool,
    pub clear: bool,
    /// This cycle's learning step (strobe, spikes, winner, switches).
    pub step: LearnStep,
    pub a_plus: u8,
    pub a_minus: u8,
    /// 0..15.
    pub pre_decay_shift: u8,
    /// 0..15.
    pub post_decay_shift: u8,
    pub trace_max: u8,
    /// 0..15.
    pub count_shift: u8,
    pub cmd_ready: bool,
}

/// A command `{kind, row, col, polarity, count}` (DESIGN.md, Commands).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Command {
    /// 0 PROGRAM, 1 REFRESH.
    pub kind: u8,
    pub row: u8,
    pub col: u8,
    /// true: potentiate.
    pub pol: bool,
    pub count: u8,
}

/// Registered outputs after the clock edge.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StdpOutputs {
    pub cmd_valid: bool,
    pub cmd: Command,
    pub busy: bool,
    pub overrun: bool,
    pub pre_trace: Vec<u8>,
    pub post_trace: Vec<u8>,
}

/// `floor(x (1 - 2^-s))`, the per-step trace decay (`s = 0`: none).
pub fn decay(x: u8, s: u8) -> u8 {
    if s == 0 {
        x
    } else {
        let s = s as u32;
        let ceil = (x as u32 >> s) + ((x as u32 & ((1u32 << s) - 1)) != 0) as u32;
        (x as u32 - ceil) as u8
    }
}

/// `sat8((a * trace) >> shift)`, the pulse count of one pairing.
pub fn pulse_count(a: u8, trace: u8, shift: u8) -> u8 {
    ((a as u32 * trace as u32) >> shift).min(255) as u8
}

/// Pipeline stages between the row/column select and the output register
/// (A: the selected traces, B: the products `a_plus x`, `a_minus y`,
/// C: the counts shifted by `count_shift` and saturated).
pub const STDP_PIPELINE: usize = 3;

/// One (row, column) of the scan in the RTL's pipeline. `ltp`/`ltd` hold
/// the trace (stage A), then the product with `a_plus`/`a_minus` read as the
/// row left stage A (B), then the count with `count_shift` read as it left
/// stage B (C).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StdpStage {
    pub row: u8,
    pub col: u8,
    /// Row spiked this step (LTD).
    pub pre: bool,
    /// Column is a learning column that spiked this step (LTP).
    pub ltp_col: bool,
    pub ltp: u32,
    pub ltd: u32,
}

/// Registered state of the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StdpModel {
    pub n_rows: usize,
    pub n_cols: usize,
    pub x: Vec<u8>,
    pub y: Vec<u8>,
    pub busy: bool,
    pub pre_q: u128,
    pub post_q: u64,
    pub ltp_q: u64,
    /// The columns still to scan and the row being visited.
    pub scan: RowScan,
    pub ltd_due: bool,
    /// The pipeline, stage A first.
    pub pipe: [Option<StdpStage>; STDP_PIPELINE],
    pub out_valid: bool,
    pub out: Command,
    pub overrun: bool,
}

impl StdpModel {
    pub fn new(n_rows: usize, n_cols: usize) -> Self {
        assert!((1..=128).contains(&n_rows) && (1..=64).contains(&n_cols));
        Self {
            n_rows,
            n_cols,
            x: vec![0; n_rows],
            y: vec![0; n_cols],
            busy: false,
            pre_q: 0,
            post_q: 0,
            ltp_q: 0,
            scan: RowScan::default(),
            ltd_due: false,
            pipe: [None; STDP_PIPELINE],
            out_valid: false,
            out: Command::default(),
            overrun: false,
        }
    }

    /// One clock cycle; returns the outputs after the edge.
    pub fn step(&mut self, inp: &StdpInputs) -> StdpOutputs {
        let cols = low_mask(self.n_cols);
        let pre = inp.step.pre_spikes
            & if self.n_rows == 128 {
                u128::MAX
            } else {
                (1u128 << self.n_rows) - 1
            };
        let post = inp.step.post_spikes & cols;
        let stall = self.out_valid && !inp.cmd_ready;
        let accept = inp.step.learn && !self.busy;
        let current = self.scan.col(self.n_cols);
        // stage C: the commands of its (row, column); a row with both holds
        // the pipeline one cycle (LTP first, LTD in the next cycle)
        let c = self.pipe[STDP_PIPELINE - 1];
        let ltp_want = c.is_some_and(|c| c.ltp_col && !self.ltd_due && c.ltp > 0);
        let ltd_want = c.is_some_and(|c| c.pre && c.ltd > 0);
        let adv = !stall && !(ltp_want && ltd_want);
        let finish =
            self.busy && current.is_none() && self.pipe.iter().all(|p| p.is_none()) && !stall;
        let learn_cols = inp.step.learn_cols(self.n_cols);
        let post_nonzero = (0..self.n_cols)
            .filter(|&j| self.y[j] != 0)
            .fold(0u64, |m, j| m | 1 << j);

        if inp.reset || inp.clear {
            self.x.iter_mut().for_each(|v| *v = 0);
            self.y.iter_mut().for_each(|v| *v = 0);
            self.busy = false;
            self.out_valid = false;
            self.scan = RowScan::default();
            self.ltd_due = false;
            self.pipe = [None; STDP_PIPELINE];
            self.overrun = false;
            return self.outputs();
        }

        // the scan reads the pre-edge traces into stage A
        let visit = match current {
            Some(j) if self.busy => {
                let i = self.scan.row as usize;
                Some(StdpStage {
                    row: self.scan.row,
                    col: j as u8,
                    pre: i < self.n_rows && (self.pre_q >> i) & 1 == 1,
                    ltp_col: (self.ltp_q >> j) & 1 == 1,
                    ltp: if i < self.n_rows { self.x[i] as u32 } else { 0 },
                    ltd: self.y[j] as u32,
                })
            }
            _ => None,
        };

        // traces: decay on an accepted learn, set at the finish
        if accept {
            for v in self.x.iter_mut() {
                *v = decay(*v, inp.pre_decay_shift);
            }
            for v in self.y.iter_mut() {
                *v = decay(*v, inp.post_decay_shift);
            }
        } else if finish {
            for i in 0..self.n_rows {
                if (self.pre_q >> i) & 1 == 1 {
                    self.x[i] = inp.trace_max;
                }
            }
            for j in 0..self.n_cols {
                if (self.post_q >> j) & 1 == 1 {
                    self.y[j] = inp.trace_max;
                }
            }
        }

        // scan and output register
        self.overrun = inp.step.learn && self.busy;
        if !stall {
            self.out_valid = false;
            if let Some(c) = c {
                if ltp_want || ltd_want {
                    self.out_valid = true;
                    self.out = Command {
                        kind: 0,
                        row: c.row,
                        col: c.col,
                        pol: ltp_want,
                        count: (if ltp_want { c.ltp } else { c.ltd }) as u8,
                    };
                }
                self.ltd_due = ltp_want && ltd_want;
            }
        }
        if adv {
            let [a, b, _] = self.pipe;
            let c = b.map(|b| StdpStage {
                ltp: (b.ltp >> inp.count_shift).min(255),
                ltd: (b.ltd >> inp.count_shift).min(255),
                ..b
            });
            let b = a.map(|a| StdpStage {
                ltp: inp.a_plus as u32 * a.ltp,
                ltd: inp.a_minus as u32 * a.ltd,
                ..a
            });
            self.pipe = [visit, b, c];
        }
        if self.busy {
            if let Some(j) = current {
                if adv {
                    self.scan.advance(j, self.n_rows);
                }
            } else if finish {
                self.busy = false;
            }
        } else if inp.step.learn {
            self.busy = true;
            self.pre_q = pre;
            self.post_q = post;
            self.ltp_q = learn_cols & post;
            self.ltd_due = false;
            self.scan.start(if !inp.step.enable {
                0
            } else if pre != 0 {
                learn_cols & (post | post_nonzero)
            } else {
                learn_cols & post
            });
        }
        self.outputs()
    }

    pub fn outputs(&self) -> StdpOutputs {
        StdpOutputs {
            cmd_valid: self.out_valid,
            cmd: self.out,
            busy: self.busy,
            overrun: self.overrun,
            pre_trace: self.x.clone(),
            post_trace: self.y.clone(),
        }
    }
}

/// Register values of a [`StdpModel`] / `StdpUnit` (the `STDP_*` config
/// registers of the accelerator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StdpRegisters {
    pub a_plus: u8,
    pub a_minus: u8,
    pub pre_decay_shift: u8,
    pub post_decay_shift: u8,
    pub trace_max: u8,
    pub count_shift: u8,
}

/// The STDP window a register set realises, in the units of the request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RealisedWindow {
    /// Weight change at `dt -> 0+` (extrapolated; same-step pairs do not learn).
    pub a_plus: f64,
    pub a_minus: f64,
    /// Seconds (infinite for shift 0).
    pub tau_plus_s: f64,
    pub tau_minus_s: f64,
}

/// Time constant of a trace decaying by `1 - 2^-shift` per step of `tick_s`
/// seconds: `tick / (-ln(1 - 2^-shift))`; shift 0 (no decay) is infinite.
pub fn decay_tau(shift: u8, tick_s: f64) -> f64 {
    if shift == 0 {
        f64::INFINITY
    } else {
        tick_s / -(1.0 - (-(shift as f64)).exp2()).ln()
    }
}

fn positive(name: &str, v: f64) -> Result<f64, String> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(format!(
            "STDP window: `{name}` must be a positive number, got {}",
            crate::device::common::num(v)
        ))
    }
}

/// Register values that realise the exponential STDP window
/// `dW = A+ exp(-dt/tau+)` (dt > 0), `dW = -A- exp(dt/tau-)` (dt < 0) on
/// the unit, for time steps of `tick_s` seconds and `pulses_per_unit`
/// identical programming pulses per unit of weight change (`A+-` in the same
/// weight unit, `tau+-` in seconds).
///
/// - decay shifts: the `s` in 1..=15 whose [`decay_tau`] is nearest to
///   `tau` on a log scale (`tau+` -> pre trace, `tau-` -> post trace);
/// - `trace_max = 255` (full trace resolution);
/// - `count_shift`: the largest shift that keeps both amplitudes
///   `a = round(A * P * 2^count_shift / 255)` within 8 bits, so that
///   `a * 255 >> count_shift ~ A * P` pulses at `dt -> 0`.
///
/// Errors (naming the argument) for non-positive or non-finite inputs, for
/// a window wanting more than 255 pulses per pairing (`A * P > 255`), and
/// for one too small to give any pulse (`A * P * 2^15 / 255 < 0.5`).
/// [`StdpRegisters::realised`] gives the window actually realised.
pub fn stdp_registers(
    a_plus: f64,
    a_minus: f64,
    tau_plus_s: f64,
    tau_minus_s: f64,
    tick_s: f64,
    pulses_per_unit: f64,
) -> Result<StdpRegisters, String> {
    let a_plus = positive("a_plus", a_plus)?;
    let a_minus = positive("a_minus", a_minus)?;
    let tau_plus_s = positive("tau_plus_s", tau_plus_s)?;
    let tau_minus_s = positive("tau_minus_s", tau_minus_s)?;
    let tick_s = positive("tick_s", tick_s)?;
    let pulses_per_unit = positive("pulses_per_unit", pulses_per_unit)?;
    let shift_for = |tau: f64| -> u8 {
        (1..=15u8)
            .min_by(|&a, &b| {
                let ea = (decay_tau(a, tick_s) / tau).ln().abs();
                let eb = (decay_tau(b, tick_s) / tau).ln().abs();
                ea.total_cmp(&eb)
            })
            .unwrap_or(1)
    };
    let trace_max = 255u8;
    let (cp, cm) = (a_plus * pulses_per_unit, a_minus * pulses_per_unit);
    for (name, c) in [("a_plus", cp), ("a_minus", cm)] {
        if c > 255.0 {
            return Err(format!(
                "STDP window: `{name}` x `pulses_per_unit` = {c:.1} pulses per pairing, more than the 255 a command can carry"
            ));
        }
    }
    let amp = |c: f64, shift: u8| (c * (shift as f64).exp2() / trace_max as f64).round();
    let count_shift = (0..=15u8)
        .rev()
        .find(|&s| amp(cp, s) <= 255.0 && amp(cm, s) <= 255.0)
        .unwrap_or(0);
    let (ap, am) = (amp(cp, count_shift), amp(cm, count_shift));
    for (name, a) in [("a_plus", ap), ("a_minus", am)] {
        if a < 1.0 {
            return Err(format!(
                "STDP window: `{name}` x `pulses_per_unit` is too small to give a single pulse"
            ));
        }
    }
    Ok(StdpRegisters {
        a_plus: ap as u8,
        a_minus: am as u8,
        pre_decay_shift: shift_for(tau_plus_s),
        post_decay_shift: shift_for(tau_minus_s),
        trace_max,
        count_shift,
    })
}

impl StdpRegisters {
    /// The exponential window these registers realise (before the floor of
    /// the integer trace and count).
    pub fn realised(&self, tick_s: f64, pulses_per_unit: f64) -> RealisedWindow {
        let amp = |a: u8| {
            a as f64 * self.trace_max as f64 / (self.count_shift as f64).exp2() / pulses_per_unit
        };
        RealisedWindow {
            a_plus: amp(self.a_plus),
            a_minus: amp(self.a_minus),
            tau_plus_s: decay_tau(self.pre_decay_shift, tick_s),
            tau_minus_s: decay_tau(self.post_decay_shift, tick_s),
        }
    }

    /// Exact pulse count of a pre-before-post pair `d` steps apart (d >= 1).
    pub fn ltp_count(&self, d: u32) -> u8 {
        let x = (0..d).fold(self.trace_max, |x, _| decay(x, self.pre_decay_shift));
        pulse_count(self.a_plus, x, self.count_shift)
    }

    /// Exact pulse count of a post-before-pre pair `d` steps apart (d >= 1).
    pub fn ltd_count(&self, d: u32) -> u8 {
        let y = (0..d).fold(self.trace_max, |y, _| decay(y, self.post_decay_shift));
        pulse_count(self.a_minus, y, self.count_shift)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decay_is_the_floor_of_the_exact_product() {
        for s in 1..=15u8 {
            for x in 0..=255u8 {
                let exact = (x as f64 * (1.0 - (-(s as f64)).exp2())).floor();
                assert_eq!(decay(x, s) as f64, exact, "x {x} s {s}");
            }
        }
        assert_eq!(decay(200, 0), 200);
        // reaches zero: no trace gets stuck above 0
        let mut x = 255u8;
        for _ in 0..300 {
            x = decay(x, 4);
        }
        assert_eq!(x, 0);
    }

    #[test]
    fn ftj_linear_window_maps_onto_the_registers() {
        // ftj-linear: A+ 50.01, A- 52.18 (% of the range), tau+ 1.00 ms,
        // tau- 1.11 ms; ~150 pulses per full range -> 1.5 pulses per %;
        // time step 0.25 ms
        let r = stdp_registers(50.01, 52.18, 1.0e-3, 1.11e-3, 0.25e-3, 1.5).unwrap();
        let w = r.realised(0.25e-3, 1.5);
        assert!((w.a_plus / 50.01 - 1.0).abs() < 0.01, "{r:?} {w:?}");
        assert!((w.a_minus / 52.18 - 1.0).abs() < 0.01, "{r:?} {w:?}");
        // tau/tick = 4: shift 2 gives 3.48 steps, shift 3 gives 7.49 steps
        assert_eq!(r.pre_decay_shift, 2);
        assert!((w.tau_plus_s / 1.0e-3).ln().abs() < 0.3, "{w:?}");
        // counts fall with the delay and stay near the exponential
        let c: Vec<u8> = (1..6).map(|d| r.ltp_count(d)).collect();
        assert!(c.windows(2).all(|p| p[1] < p[0]), "{c:?}");
        let ideal = 50.01 * 1.5 * (-0.25f64 / (w.tau_plus_s * 1e3)).exp();
        assert!((c[0] as f64 - ideal).abs() <= 1.5, "{c:?} vs {ideal}");
    }

    #[test]
    fn register_mapping_rejects_bad_windows() {
        assert!(stdp_registers(-1.0, 1.0, 1e-3, 1e-3, 1e-4, 1.0)
            .unwrap_err()
            .contains("a_plus"));
        assert!(stdp_registers(1.0, 1.0, 1e-3, f64::NAN, 1e-4, 1.0)
            .unwrap_err()
            .contains("tau_minus_s"));
        assert!(stdp_registers(300.0, 1.0, 1e-3, 1e-3, 1e-4, 1.0)
            .unwrap_err()
            .contains("255"));
        assert!(stdp_registers(1e-6, 1.0, 1e-3, 1e-3, 1e-4, 1.0).is_err());
    }
}
