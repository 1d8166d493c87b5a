//! Golden model of `neuroxbar_rtl::bcm::BcmUnit<N_ROWS, N_COLS>`, cycle
//! accurate.
//!
//! # The rule it approximates
//!
//! BCM with a sliding threshold (Bienenstock, Cooper, Munro 1982; Intrator &
//! Cooper's form):
//!
//! ```text
//! dw_ij / dt    = eta * x_i * y_j * (y_j - theta_j)
//! tau_theta dtheta_j / dt = y_j^2 - theta_j
//! ```
//!
//! Rates are spike counts over a window of `T = window * tick` seconds
//! (`x = rate_x T`, `y = rate_y T`). Once per window, with `s` =
//! `theta_shift` and `c` = `count_shift`:
//!
//! ```text
//! pulses_ij = sat8(|x_i y_j (y_j - theta_j)| >> c)      (sign -> polarity)
//! theta_j  += (y_j^2 - theta_j) * 2^-s                  (Q16.8, floor)
//! ```
//!
//! so `eta * T^3 * P = 2^-c` pulses per unit (count units) with `P`
//! pulses per unit weight, and theta is an exponential mean over
//! `tau_theta = T / (-ln(1 - 2^-s))` (about `2^s` windows). The threshold
//! is `<y^2> / rho_0` with `rho_0 = 2^rho0_shift` counts per window
//! (`theta += ((y^2 >> rho0_shift) - theta) * 2^-s`).
//!
//! With `dither` the shift rounds stochastically instead of down:
//! `pulses = sat8((|x y (256 y - theta)| + r) >> (c + 8))` with `r` the
//! low `c + 8` bits of a 32-bit LFSR ([`DITHER_TAPS`], reset to
//! [`DITHER_SEED`]), drawn as the row enters the last pipeline stage and
//! advanced once per row. The expected count is then the exact
//! `|x y (y - theta)| / 2^c` (to the LFSR's uniformity), so updates of a
//! fraction of a pulse are not lost: without it, every `|dw| < 2^c` is
//! zero and the rule has a dead zone around `y = theta`.

use super::cmd_bus::{LearnStep, RowScan};
use super::stdp::Command;

/// Inputs during one clock cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BcmInputs {
    pub reset: bool,
    pub clear: bool,
    /// This cycle's learning step (strobe, spikes, winner, switches).
    pub step: LearnStep,
    pub window: u16,
    /// 0..15.
    pub theta_shift: u8,
    /// 0..15.
    pub count_shift: u8,
    /// 0..15: `rho_0 = 2^rho0_shift` spikes per window.
    pub rho0_shift: u8,
    /// Stochastic rounding of the pulse count (BCM_DITHER).
    pub dither: bool,
    pub cmd_ready: bool,
}

/// Registered outputs after the clock edge.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BcmOutputs {
    pub cmd_valid: bool,
    pub cmd: Command,
    pub busy: bool,
    pub overrun: bool,
    pub window_pos: u16,
    pub pre_rate: Vec<u8>,
    pub post_rate: Vec<u8>,
    /// Raw unsigned Q16.8.
    pub theta: Vec<u32>,
}

/// Dither LFSR (32-bit Galois, shifted right, x^32 + x^22 + x^2 + x + 1).
pub const DITHER_TAPS: u32 = 0x8020_0003;
/// Dither LFSR state after reset.
pub const DITHER_SEED: u32 = 0x1BC3_5A7D;

/// One step of the dither LFSR.
pub fn dither_next(s: u32) -> u32 {
    if s & 1 == 1 {
        (s >> 1) ^ DITHER_TAPS
    } else {
        s >> 1
    }
}

/// The dither added before the shift by `count_shift + 8`: its low bits.
pub fn dither_bits(s: u32, count_shift: u8) -> u64 {
    (s as u64) & ((1u64 << (count_shift as u32 + 8)) - 1)
}

/// The next threshold (raw Q16.8): `theta + (((y^2 << 8) >> rho0_shift) - theta) >>> shift`.
pub fn theta_next(theta: u32, y: u8, shift: u8, rho0_shift: u8) -> u32 {
    let target = ((y as i64 * y as i64) << 8) >> rho0_shift;
    let t = theta as i64;
    (t + ((target - t) >> shift)) as u32
}

/// `(polarity, sat8(|x y (y - theta)| >> count_shift))` with raw Q16.8 theta.
pub fn bcm_count(x: u8, y: u8, theta: u32, count_shift: u8) -> (bool, u8) {
    bcm_count_dithered(x, y, theta, count_shift, 0)
}

/// [`bcm_count`] with `r` added to the product before the shift.
pub fn bcm_count_dithered(x: u8, y: u8, theta: u32, count_shift: u8, r: u64) -> (bool, u8) {
    let yq = (y as i64) << 8;
    let above = yq >= theta as i64;
    let mag = (yq - theta as i64).unsigned_abs();
    let prod = mag * (x as u64 * y as u64) + r;
    (above, (prod >> (count_shift as u32 + 8)).min(255) as u8)
}

/// One row of the scan in the RTL's multiply pipeline: the counts and the
/// threshold it read (they do not change while `busy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BcmStage {
    pub row: u8,
    pub col: u8,
    pub x: u8,
    pub y: u8,
    pub theta: u32,
    /// The dither drawn as the row entered stage D (0 before, or off).
    pub r: u64,
    /// Polarity and pulse count, from the shift by `count_shift` as the row
    /// entered stage E (false / 0 before).
    pub pol: bool,
    pub count: u8,
}

/// Pipeline stages between the row/column select and the output register
/// (A: select, B: x y and |256 y - theta|, C: partial products, D: product,
/// E: the shift by `count_shift` and the saturation).
pub const BCM_PIPELINE: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BcmModel {
    pub n_rows: usize,
    pub n_cols: usize,
    pub x: Vec<u8>,
    pub y: Vec<u8>,
    pub theta: Vec<u32>,
    pub pos: u16,
    /// The registered window end: `pos + 1 >= window` with the `window` of
    /// the cycle before.
    pub end: bool,
    /// `theta_shift` and `rho0_shift` at the step that ended the window
    /// (the finish's threshold update uses them).
    pub theta_shift_l: u8,
    pub rho0_shift_l: u8,
    pub busy: bool,
    /// The columns still to scan and the row being visited.
    pub scan: RowScan,
    /// The multiply pipeline, stage A first.
    pub pipe: [Option<BcmStage>; BCM_PIPELINE],
    /// The cycle after the drain, and the one after it: the finish.
    pub tail: bool,
    pub tail2: bool,
    pub out_valid: bool,
    pub out: Command,
    pub overrun: bool,
    /// The dither LFSR (kept by `clear`, reseeded by `reset`).
    pub lfsr: u32,
}

impl BcmModel {
    pub fn new(n_rows: usize, n_cols: usize) -> Self {
        assert!((1..=128).contains(&n_rows) && (1..=64).contains(&n_cols));
        Self {
            n_rows,
            n_cols,
            x: vec![0; n_rows],
            y: vec![0; n_cols],
            theta: vec![0; n_cols],
            pos: 0,
            end: false,
            theta_shift_l: 0,
            rho0_shift_l: 0,
            busy: false,
            scan: RowScan::default(),
            pipe: [None; BCM_PIPELINE],
            tail: false,
            tail2: false,
            out_valid: false,
            out: Command::default(),
            overrun: false,
            lfsr: DITHER_SEED,
        }
    }

    pub fn step(&mut self, inp: &BcmInputs) -> BcmOutputs {
        let stall = self.out_valid && !inp.cmd_ready;
        let accept = inp.step.learn && !self.busy;
        let current = self.scan.col(self.n_cols);
        // the scan is over, the pipeline empty and the last command taken:
        // two more cycles (the RTL registers the threshold target, then the
        // difference), then the finish
        let drained =
            self.busy && current.is_none() && self.pipe.iter().all(|p| p.is_none()) && !stall;
        let finish = self.tail2;
        let tail_prev = self.tail;
        let window_end = self.end;
        let learn_cols = inp.step.learn_cols(self.n_cols);

        if inp.reset || inp.clear {
            self.x.iter_mut().for_each(|v| *v = 0);
            self.y.iter_mut().for_each(|v| *v = 0);
            if inp.reset {
                self.theta.iter_mut().for_each(|v| *v = 0);
                self.lfsr = DITHER_SEED;
            }
            self.busy = false;
            self.out_valid = false;
            self.scan = RowScan::default();
            self.pos = 0;
            self.pipe = [None; BCM_PIPELINE];
            self.tail = false;
            self.tail2 = false;
            self.overrun = false;
            self.end = 1 >= inp.window as u32;
            return self.outputs();
        }

        // the scan reads the pre-edge counts and thresholds into stage A
        let visit = match current {
            Some(j) if self.busy && !stall => {
                let i = self.scan.row as usize;
                Some(BcmStage {
                    row: self.scan.row,
                    col: j as u8,
                    x: if i < self.n_rows { self.x[i] } else { 0 },
                    y: self.y[j],
                    theta: self.theta[j],
                    r: 0,
                    pol: false,
                    count: 0,
                })
            }
            _ => None,
        };

        if finish {
            for j in 0..self.n_cols {
                self.theta[j] = theta_next(
                    self.theta[j],
                    self.y[j],
                    self.theta_shift_l,
                    self.rho0_shift_l,
                );
            }
            self.x.iter_mut().for_each(|v| *v = 0);
            self.y.iter_mut().for_each(|v| *v = 0);
        } else if accept {
            for i in 0..self.n_rows {
                if (inp.step.pre_spikes >> i) & 1 == 1 {
                    self.x[i] = self.x[i].saturating_add(1);
                }
            }
            for j in 0..self.n_cols {
                if (inp.step.post_spikes >> j) & 1 == 1 {
                    self.y[j] = self.y[j].saturating_add(1);
                }
            }
        }

        self.overrun = inp.step.learn && self.busy;
        self.tail = false;
        self.tail2 = false;
        if !stall {
            self.out_valid = false;
            // stage E -> output register
            if let Some(e) = self.pipe[BCM_PIPELINE - 1] {
                if e.count > 0 {
                    self.out_valid = true;
                    self.out = Command {
                        kind: 0,
                        row: e.row,
                        col: e.col,
                        pol: e.pol,
                        count: e.count,
                    };
                }
            }
            self.pipe.rotate_right(1);
            self.pipe[0] = visit;
            // a row entering stage E: its count, with the present count_shift
            if let Some(e) = self.pipe[BCM_PIPELINE - 1].as_mut() {
                (e.pol, e.count) = bcm_count_dithered(e.x, e.y, e.theta, inp.count_shift, e.r);
            }
            // a row entering stage D draws its dither
            if let Some(d) = self.pipe[BCM_PIPELINE - 2].as_mut() {
                if inp.dither {
                    d.r = dither_bits(self.lfsr, inp.count_shift);
                    self.lfsr = dither_next(self.lfsr);
                }
            }
        }
        if self.busy {
            if let Some(j) = current {
                if !stall {
                    self.scan.advance(j, self.n_rows);
                }
            } else if finish {
                self.busy = false;
            } else {
                self.tail2 = tail_prev;
                self.tail = drained;
            }
        } else if inp.step.learn {
            if window_end {
                self.pos = 0;
                self.busy = true;
                self.theta_shift_l = inp.theta_shift;
                self.rho0_shift_l = inp.rho0_shift;
                self.scan
                    .start(if inp.step.enable { learn_cols } else { 0 });
            } else {
                self.pos += 1;
            }
        }
        self.end = self.pos as u32 + 1 >= inp.window as u32;
        self.outputs()
    }

    pub fn outputs(&self) -> BcmOutputs {
        BcmOutputs {
            cmd_valid: self.out_valid,
            cmd: self.out,
            busy: self.busy,
            overrun: self.overrun,
            window_pos: self.pos,
            pre_rate: self.x.clone(),
            post_rate: self.y.clone(),
            theta: self.theta.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theta_tracks_the_mean_square_rate() {
        let mut t = 0;
        for _ in 0..200 {
            t = theta_next(t, 4, 3, 0);
        }
        // within one LSB of 16 per 2^3 (floor bias of the shift)
        assert!((16 * 256 - 8..=16 * 256).contains(&t), "{t}");
        for _ in 0..200 {
            t = theta_next(t, 0, 3, 0);
        }
        assert!(t < 8, "{t}");
        // rho_0 = 4 spikes: the mean of y^2 / 4
        for _ in 0..200 {
            t = theta_next(t, 6, 3, 2);
        }
        assert!((9 * 256 - 8..=9 * 256).contains(&t), "{t}");
    }

    #[test]
    fn the_dither_is_uniform_below_the_shift() {
        // a quarter of a pulse: (prod + r) >> 12 is 1 for r >= 3072 of 4096
        let mut s = DITHER_SEED;
        let (mut ones, n) = (0u32, 100_000u32);
        for _ in 0..n {
            let r = dither_bits(s, 4);
            assert!(r < 1 << 12);
            ones += bcm_count_dithered(4, 1, 0, 4, r).1 as u32;
            s = dither_next(s);
            assert_ne!(s, DITHER_SEED, "the LFSR came back early");
        }
        let p = ones as f64 / n as f64;
        assert!((p - 0.25).abs() < 0.01, "{p}");
        assert_eq!(bcm_count_dithered(4, 1, 0, 4, 0), bcm_count(4, 1, 0, 4));
        assert_eq!(bcm_count(4, 1, 0, 4).1, 0);
    }

    #[test]
    fn polarity_follows_the_threshold() {
        assert_eq!(bcm_count(3, 5, 4 << 8, 0), (true, 15));
        assert_eq!(bcm_count(3, 2, 4 << 8, 0), (false, 12));
        assert_eq!(bcm_count(3, 4, 4 << 8, 0).1, 0);
        assert_eq!(bcm_count(255, 255, 0, 0), (true, 255));
    }
}
