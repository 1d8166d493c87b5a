//! Analog Devices AD7606 in serial mode, `DOUTA` only: `CONVST A/B` rising
//! samples all eight inputs and raises BUSY for the conversion; after BUSY
//! falls, `CS` low puts the MSB of V1 on DOUTA, each SCLK rising edge the
//! next bit (V1..V8, 16 bits each, two's complement, MSB first); the host
//! takes a bit while SCLK is low.

use super::{at_least, check, ns, PartError};

const PART: &str = "AD7606";

/// Limits (AD7606 data sheet, timing specifications, no oversampling).
/// Check them against the revision used on the board.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ad7606Timing {
    /// t_CONV: conversion time (BUSY high), maximum.
    pub conversion_s: f64,
    /// t1: CONVST rising to BUSY rising, maximum.
    pub busy_delay_s: f64,
    /// t_CYCLE: CONVST rising to the next CONVST rising (200 kSPS).
    pub cycle_min_s: f64,
    /// t2 / t3: CONVST low / high pulse width.
    pub convst_low_min_s: f64,
    pub convst_high_min_s: f64,
    /// f_SCLK maximum (serial interface), as the minimum period.
    pub sclk_period_min_s: f64,
}

impl Default for Ad7606Timing {
    fn default() -> Self {
        Self {
            conversion_s: 4.15e-6,
            busy_delay_s: 40e-9,
            cycle_min_s: 5e-6,
            convst_low_min_s: 25e-9,
            convst_high_min_s: 25e-9,
            sclk_period_min_s: 50e-9,
        }
    }
}

/// One AD7606; the channel codes of a conversion come from the caller
/// (the TIAs of the columns, through the array model).
#[derive(Debug, Clone)]
pub struct Ad7606 {
    pub timing: Ad7606Timing,
    period_s: f64,
    convst: bool,
    cs: bool,
    sclk: bool,
    t_convst_rise_s: f64,
    t_convst_fall_s: f64,
    t_sclk_rise_s: f64,
    /// BUSY rises / falls at these times (cycle starts).
    busy_from_s: f64,
    busy_until_s: f64,
    /// The eight results of the last conversion.
    codes: [i16; 8],
    /// Output register being shifted out, bit position.
    bit: u32,
    douta: bool,
    /// Conversions started.
    pub conversions: u64,
}

impl Ad7606 {
    /// `period_s`: the FPGA clock period (pins are seen once per cycle).
    pub fn new(period_s: f64, timing: Ad7606Timing) -> Self {
        Self {
            timing,
            period_s,
            convst: false,
            cs: true,
            sclk: true,
            t_convst_rise_s: f64::NEG_INFINITY,
            t_convst_fall_s: f64::NEG_INFINITY,
            t_sclk_rise_s: f64::NEG_INFINITY,
            busy_from_s: f64::NEG_INFINITY,
            busy_until_s: f64::NEG_INFINITY,
            codes: [0; 8],
            bit: 0,
            douta: false,
            conversions: 0,
        }
    }

    fn busy_at(&self, t_s: f64) -> bool {
        t_s >= self.busy_from_s - 1e-15 && t_s < self.busy_until_s - 1e-15
    }

    /// The output pins for the next cycle (BUSY, DOUTA), after [`Ad7606::observe`]
    /// of the cycle that starts at `t_s`.
    pub fn pins(&self, t_next_s: f64) -> (bool, bool) {
        (self.busy_at(t_next_s), self.douta)
    }

    fn out_bit(&self) -> bool {
        let ch = (self.bit / 16) as usize;
        if ch >= 8 {
            return false;
        }
        (self.codes[ch] as u16 >> (15 - self.bit % 16)) & 1 == 1
    }

    /// The pins during the cycle that starts at `t_s`. On a CONVST rising
    /// edge, `convert` gives the eight channel codes (called once).
    pub fn observe(
        &mut self,
        t_s: f64,
        convst: bool,
        cs: bool,
        sclk: bool,
        convert: impl FnOnce() -> Result<[i16; 8], PartError>,
    ) -> Result<(), PartError> {
        let tm = self.timing;
        if convst != self.convst {
            if convst {
                check(!self.busy_at(t_s), PART, "CONVST while BUSY", t_s, || {
                    format!("conversion in progress until {:.9} s", self.busy_until_s)
                })?;
                let dt = t_s - self.t_convst_rise_s;
                check(
                    at_least(dt, tm.cycle_min_s),
                    PART,
                    "t_CYCLE convert too soon",
                    t_s,
                    || {
                        format!(
                            "CONVST {:.1} ns after the last one, needs {:.1} ns",
                            ns(dt),
                            ns(tm.cycle_min_s)
                        )
                    },
                )?;
                let lo = t_s - self.t_convst_fall_s;
                check(
                    at_least(lo, tm.convst_low_min_s),
                    PART,
                    "t2 CONVST low pulse width",
                    t_s,
                    || {
                        format!(
                            "CONVST low {:.1} ns, needs {:.1} ns",
                            ns(lo),
                            ns(tm.convst_low_min_s)
                        )
                    },
                )?;
                self.codes = convert()?;
                self.conversions += 1;
                self.t_convst_rise_s = t_s;
                // BUSY rises within t1 (at the next cycle boundary at the
                // latest) and stays high for t_CONV
                let p = self.period_s;
                let rise = t_s + (tm.busy_delay_s / p).ceil().max(1.0) * p;
                self.busy_from_s = rise;
                self.busy_until_s = t_s + (tm.conversion_s / p).ceil() * p;
            } else {
                let hi = t_s - self.t_convst_rise_s;
                check(
                    at_least(hi, tm.convst_high_min_s),
                    PART,
                    "t3 CONVST high pulse width",
                    t_s,
                    || {
                        format!(
                            "CONVST high {:.1} ns, needs {:.1} ns",
                            ns(hi),
                            ns(tm.convst_high_min_s)
                        )
                    },
                )?;
                self.t_convst_fall_s = t_s;
            }
            self.convst = convst;
        }
        if cs != self.cs {
            if !cs {
                check(!self.busy_at(t_s), PART, "read during BUSY", t_s, || {
                    "CS fell while converting: the read returns the previous conversion".to_string()
                })?;
                self.bit = 0;
                self.douta = self.out_bit();
            }
            self.cs = cs;
        }
        if sclk != self.sclk {
            if sclk && !self.cs {
                let p = t_s - self.t_sclk_rise_s;
                check(
                    at_least(p, tm.sclk_period_min_s),
                    PART,
                    "f_SCLK serial clock",
                    t_s,
                    || {
                        format!(
                            "SCLK period {:.1} ns, needs {:.1} ns",
                            ns(p),
                            ns(tm.sclk_period_min_s)
                        )
                    },
                )?;
                self.bit += 1;
                self.douta = self.out_bit();
            }
            if sclk {
                self.t_sclk_rise_s = t_s;
            }
            self.sclk = sclk;
        }
        Ok(())
    }
}
