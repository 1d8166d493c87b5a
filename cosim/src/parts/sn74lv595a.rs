//! Texas Instruments SN74LV595A chains behind `LeanPhy`: `chains` serial
//! inputs (`SER`), each a chain of 74LV595A (`QH'` to the next `SER`),
//! sharing `SRCLK` and `RCLK` (`OE` low, `SRCLR` high). SRCLK rising shifts;
//! RCLK rising copies the shift registers to the outputs.

use super::{at_least, check, ns, PartError};

const PART: &str = "SN74LV595A";

/// Interface limits at VCC = 3.3 V. NOT verified against the data sheet
/// (SCLS414; its switching table was not available): conservative values
/// for the LV family at 3.3 V; check them before building the board.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sn74lv595aTiming {
    /// SRCLK / RCLK pulse duration, high or low.
    pub pulse_min_s: f64,
    /// SER setup / hold around SRCLK rising.
    pub ser_setup_min_s: f64,
    pub ser_hold_min_s: f64,
    /// SRCLK rising to RCLK rising.
    pub srclk_to_rclk_min_s: f64,
}

impl Default for Sn74lv595aTiming {
    fn default() -> Self {
        Self {
            pulse_min_s: 7e-9,
            ser_setup_min_s: 5e-9,
            ser_hold_min_s: 2e-9,
            srclk_to_rclk_min_s: 8.5e-9,
        }
    }
}

/// The chains.
#[derive(Debug, Clone)]
pub struct Sn74lv595aChains {
    pub timing: Sn74lv595aTiming,
    chains: usize,
    /// Lines per chain (2 bits each).
    lines: usize,
    srclk: bool,
    rclk: bool,
    ser: u64,
    shift: Vec<Vec<bool>>,
    out: Vec<Vec<bool>>,
    t_srclk_rise_s: f64,
    t_srclk_fall_s: f64,
    t_rclk_rise_s: f64,
    t_rclk_fall_s: f64,
    t_ser_change_s: f64,
    /// Time of the last RCLK rising edge.
    pub t_latch_s: f64,
}

impl Sn74lv595aChains {
    /// `chains` chains for `lines` lines each (`ceil(2 lines / 8)` parts).
    pub fn new(chains: usize, lines: usize, timing: Sn74lv595aTiming) -> Self {
        let stages = 8 * (2 * lines).div_ceil(8);
        Self {
            timing,
            chains,
            lines,
            srclk: false,
            rclk: false,
            ser: 0,
            shift: vec![vec![false; stages]; chains],
            out: vec![vec![false; stages]; chains],
            t_srclk_rise_s: f64::NEG_INFINITY,
            t_srclk_fall_s: f64::NEG_INFINITY,
            t_rclk_rise_s: f64::NEG_INFINITY,
            t_rclk_fall_s: f64::NEG_INFINITY,
            t_ser_change_s: f64::NEG_INFINITY,
            t_latch_s: f64::NEG_INFINITY,
        }
    }

    /// The mux address `A1 A0` of line `line` on the outputs.
    pub fn mode(&self, line: usize) -> u8 {
        let (m, s1, s0) = neuroxbar_models::golden::fe_phy_lean::mux_stages(line, self.lines);
        (self.out[m][s1] as u8) << 1 | self.out[m][s0] as u8
    }

    /// The pins during the cycle that starts at `t_s`.
    pub fn observe(
        &mut self,
        t_s: f64,
        srclk: bool,
        ser: u64,
        rclk: bool,
    ) -> Result<(), PartError> {
        let tm = self.timing;
        let ser = ser & ((1u64 << self.chains) - 1);
        if ser != self.ser {
            let dt = t_s - self.t_srclk_rise_s;
            check(
                at_least(dt, tm.ser_hold_min_s),
                PART,
                "SER hold after SRCLK rising",
                t_s,
                || format!("{:.1} ns, needs {:.1} ns", ns(dt), ns(tm.ser_hold_min_s)),
            )?;
            self.t_ser_change_s = t_s;
        }
        self.ser = ser;
        let width = |a: f64| at_least(t_s - a, tm.pulse_min_s);
        if srclk && !self.srclk {
            check(
                width(self.t_srclk_fall_s),
                PART,
                "SRCLK low pulse",
                t_s,
                || {
                    format!(
                        "{:.1} ns, needs {:.1} ns",
                        ns(t_s - self.t_srclk_fall_s),
                        ns(tm.pulse_min_s)
                    )
                },
            )?;
            let dt = t_s - self.t_ser_change_s;
            check(
                at_least(dt, tm.ser_setup_min_s),
                PART,
                "SER setup before SRCLK rising",
                t_s,
                || format!("{:.1} ns, needs {:.1} ns", ns(dt), ns(tm.ser_setup_min_s)),
            )?;
            for m in 0..self.chains {
                self.shift[m].rotate_right(1);
                self.shift[m][0] = self.ser >> m & 1 == 1;
            }
            self.t_srclk_rise_s = t_s;
        }
        if !srclk && self.srclk {
            check(
                width(self.t_srclk_rise_s),
                PART,
                "SRCLK high pulse",
                t_s,
                || {
                    format!(
                        "{:.1} ns, needs {:.1} ns",
                        ns(t_s - self.t_srclk_rise_s),
                        ns(tm.pulse_min_s)
                    )
                },
            )?;
            self.t_srclk_fall_s = t_s;
        }
        self.srclk = srclk;
        if rclk && !self.rclk {
            check(
                width(self.t_rclk_fall_s),
                PART,
                "RCLK low pulse",
                t_s,
                || {
                    format!(
                        "{:.1} ns, needs {:.1} ns",
                        ns(t_s - self.t_rclk_fall_s),
                        ns(tm.pulse_min_s)
                    )
                },
            )?;
            let dt = t_s - self.t_srclk_rise_s;
            check(
                at_least(dt, tm.srclk_to_rclk_min_s),
                PART,
                "SRCLK rising to RCLK rising",
                t_s,
                || {
                    format!(
                        "{:.1} ns, needs {:.1} ns",
                        ns(dt),
                        ns(tm.srclk_to_rclk_min_s)
                    )
                },
            )?;
            self.out = self.shift.clone();
            self.t_rclk_rise_s = t_s;
            self.t_latch_s = t_s;
        }
        if !rclk && self.rclk {
            check(
                width(self.t_rclk_rise_s),
                PART,
                "RCLK high pulse",
                t_s,
                || {
                    format!(
                        "{:.1} ns, needs {:.1} ns",
                        ns(t_s - self.t_rclk_rise_s),
                        ns(tm.pulse_min_s)
                    )
                },
            )?;
            self.t_rclk_fall_s = t_s;
        }
        self.rclk = rclk;
        Ok(())
    }
}
