//! Analog Devices AD5542A, one per line, sharing `CS` and `SCLK`, each with
//! its own SDIN: a 16-bit word, MSB first, sampled on SCLK rising edges while
//! `CS` is low; `CS` rising loads it (LDAC tied low: the output follows).

use super::{at_least, check, ns, PartError};

const PART: &str = "AD5542A";

/// Interface limits (AD5542A data sheet, timing characteristics; symbols
/// as there). Check them against the revision used on the board.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ad5542aTiming {
    /// t1: SCLK cycle time (50 MHz).
    pub sclk_period_min_s: f64,
    /// t2 / t3: SCLK high / low time.
    pub sclk_high_min_s: f64,
    pub sclk_low_min_s: f64,
    /// t4: CS low to SCLK high setup.
    pub cs_setup_min_s: f64,
    /// t5: SCLK high to CS high (hold after the last bit).
    pub cs_hold_min_s: f64,
    /// t6: CS high time between words.
    pub cs_high_min_s: f64,
    /// t7 / t8: SDIN setup / hold around SCLK rising.
    pub sdi_setup_min_s: f64,
    pub sdi_hold_min_s: f64,
}

impl Default for Ad5542aTiming {
    fn default() -> Self {
        Self {
            sclk_period_min_s: 20e-9,
            sclk_high_min_s: 8e-9,
            sclk_low_min_s: 8e-9,
            cs_setup_min_s: 10e-9,
            cs_hold_min_s: 10e-9,
            cs_high_min_s: 10e-9,
            sdi_setup_min_s: 5e-9,
            sdi_hold_min_s: 5e-9,
        }
    }
}

/// `n` AD5542A with shared `CS` / `SCLK`.
#[derive(Debug, Clone)]
pub struct Ad5542a {
    pub timing: Ad5542aTiming,
    n: usize,
    cs: bool,
    sclk: bool,
    sdi: u64,
    shift: Vec<u16>,
    bits: u32,
    t_cs_fall_s: f64,
    t_cs_rise_s: f64,
    t_sclk_rise_s: f64,
    t_sclk_fall_s: f64,
    t_sdi_change_s: f64,
    /// The loaded words (the DAC registers), one per line.
    words: Vec<u16>,
    /// Time of the last load (`CS` rising with a full word).
    pub t_load_s: f64,
    /// Words loaded (frames).
    pub loads: u64,
}

impl Ad5542a {
    /// `n` DACs, powered up at mid-scale (0 V, word `0x8000`).
    pub fn new(n: usize, timing: Ad5542aTiming) -> Self {
        Self {
            timing,
            n,
            cs: true,
            sclk: false,
            sdi: 0,
            shift: vec![0; n],
            bits: 0,
            t_cs_fall_s: f64::NEG_INFINITY,
            t_cs_rise_s: f64::NEG_INFINITY,
            t_sclk_rise_s: f64::NEG_INFINITY,
            t_sclk_fall_s: f64::NEG_INFINITY,
            t_sdi_change_s: f64::NEG_INFINITY,
            words: vec![0x8000; n],
            t_load_s: f64::NEG_INFINITY,
            loads: 0,
        }
    }

    /// The DAC register of line `i`.
    pub fn word(&self, i: usize) -> u16 {
        self.words[i]
    }

    /// The pins during the cycle that starts at `t_s`.
    pub fn observe(&mut self, t_s: f64, cs: bool, sclk: bool, sdi: u64) -> Result<(), PartError> {
        let tm = self.timing;
        let mask = if self.n >= 64 {
            u64::MAX
        } else {
            (1u64 << self.n) - 1
        };
        let sdi = sdi & mask;
        let sdi_changed = sdi != self.sdi;
        if sdi_changed && !self.cs {
            // hold after the last SCLK rising edge
            let dt = t_s - self.t_sclk_rise_s;
            check(
                at_least(dt, tm.sdi_hold_min_s),
                PART,
                "t8 SDIN hold after SCLK rising",
                t_s,
                || {
                    format!(
                        "SDIN changed {:.1} ns after SCLK rose, needs {:.1} ns",
                        ns(dt),
                        ns(tm.sdi_hold_min_s)
                    )
                },
            )?;
        }
        if sdi_changed {
            self.t_sdi_change_s = t_s;
        }
        if cs != self.cs {
            if !cs {
                let dt = t_s - self.t_cs_rise_s;
                check(
                    at_least(dt, tm.cs_high_min_s),
                    PART,
                    "t6 CS high time",
                    t_s,
                    || {
                        format!(
                            "CS high for {:.1} ns, needs {:.1} ns",
                            ns(dt),
                            ns(tm.cs_high_min_s)
                        )
                    },
                )?;
                self.t_cs_fall_s = t_s;
                self.bits = 0;
            } else {
                let dt = t_s - self.t_sclk_rise_s;
                check(
                    at_least(dt, tm.cs_hold_min_s),
                    PART,
                    "t5 SCLK high to CS high",
                    t_s,
                    || {
                        format!(
                            "CS rose {:.1} ns after the last SCLK rising edge, needs {:.1} ns",
                            ns(dt),
                            ns(tm.cs_hold_min_s)
                        )
                    },
                )?;
                check(self.bits == 16, PART, "16-bit word", t_s, || {
                    format!(
                        "CS rose after {} SCLK rising edges, the input register takes 16",
                        self.bits
                    )
                })?;
                self.words.copy_from_slice(&self.shift);
                self.t_load_s = t_s;
                self.loads += 1;
                self.t_cs_rise_s = t_s;
            }
            self.cs = cs;
        }
        if sclk != self.sclk {
            if sclk {
                if !self.cs {
                    let p = t_s - self.t_sclk_rise_s;
                    check(
                        at_least(p, tm.sclk_period_min_s),
                        PART,
                        "t1 SCLK cycle time",
                        t_s,
                        || {
                            format!(
                                "SCLK period {:.1} ns, needs {:.1} ns (max 50 MHz)",
                                ns(p),
                                ns(tm.sclk_period_min_s)
                            )
                        },
                    )?;
                    let lo = t_s - self.t_sclk_fall_s;
                    check(
                        at_least(lo, tm.sclk_low_min_s),
                        PART,
                        "t3 SCLK low time",
                        t_s,
                        || {
                            format!(
                                "SCLK low {:.1} ns, needs {:.1} ns",
                                ns(lo),
                                ns(tm.sclk_low_min_s)
                            )
                        },
                    )?;
                    let su = t_s - self.t_cs_fall_s;
                    check(
                        at_least(su, tm.cs_setup_min_s),
                        PART,
                        "t4 CS low to SCLK high setup",
                        t_s,
                        || {
                            format!(
                                "SCLK rose {:.1} ns after CS fell, needs {:.1} ns",
                                ns(su),
                                ns(tm.cs_setup_min_s)
                            )
                        },
                    )?;
                    let ds = t_s - self.t_sdi_change_s;
                    check(
                        at_least(ds, tm.sdi_setup_min_s),
                        PART,
                        "t7 SDIN setup to SCLK rising",
                        t_s,
                        || {
                            format!(
                                "SDIN changed {:.1} ns before SCLK rose, needs {:.1} ns",
                                ns(ds),
                                ns(tm.sdi_setup_min_s)
                            )
                        },
                    )?;
                    for (i, w) in self.shift.iter_mut().enumerate() {
                        *w = (*w << 1) | ((sdi >> i) & 1) as u16;
                    }
                    self.bits += 1;
                }
                self.t_sclk_rise_s = t_s;
            } else {
                if !self.cs {
                    let hi = t_s - self.t_sclk_rise_s;
                    check(
                        at_least(hi, tm.sclk_high_min_s),
                        PART,
                        "t2 SCLK high time",
                        t_s,
                        || {
                            format!(
                                "SCLK high {:.1} ns, needs {:.1} ns",
                                ns(hi),
                                ns(tm.sclk_high_min_s)
                            )
                        },
                    )?;
                }
                self.t_sclk_fall_s = t_s;
            }
            self.sclk = sclk;
        }
        self.sdi = sdi;
        Ok(())
    }
}
