//! Analog Devices AD5570 in daisy chains behind `LeanPhy`: `chains` data
//! pins, each a chain of `per_chain` DACs (`SDO` of one to `SDIN` of the
//! next), sharing `SYNC`, `SCLK` and `LDAC`. SDIN is taken on SCLK falling
//! edges while `SYNC` is low; `SYNC` rising moves each part's 16-bit shift
//! register into its input register; `LDAC` falling moves every input
//! register to its DAC register (the output).

use super::{at_least, check, ns, PartError};

const PART: &str = "AD5570";

/// Interface limits. Verified against the AD5570 data sheet (Rev. B): the
/// 16-bit offset-binary code, `LDAC`, `SDO` daisy chaining, power-on 0 V.
/// NOT verified (the timing table was not available): the 16-bit word (no
/// command bits; the part's readback facility may need more), the SCLK edge that
/// samples SDIN (taken as falling, as ADI's SYNC interfaces) and every
/// number below, which are the usual limits of ADI's 30 MHz SPI DACs;
/// check them against the data sheet before building the board.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ad5570Timing {
    /// SCLK cycle time (30 MHz).
    pub sclk_period_min_s: f64,
    pub sclk_high_min_s: f64,
    pub sclk_low_min_s: f64,
    /// SYNC falling to the first SCLK falling edge.
    pub sync_setup_min_s: f64,
    /// SDIN setup / hold around SCLK falling.
    pub sdi_setup_min_s: f64,
    pub sdi_hold_min_s: f64,
    /// SCLK rising to SDO valid (daisy chain: the next part's SDIN must be
    /// valid a setup time before the falling edge).
    pub sdo_delay_max_s: f64,
    /// SYNC rising to LDAC falling.
    pub sync_to_ldac_min_s: f64,
    /// LDAC low pulse width.
    pub ldac_low_min_s: f64,
}

impl Default for Ad5570Timing {
    fn default() -> Self {
        Self {
            sclk_period_min_s: 33e-9,
            sclk_high_min_s: 13e-9,
            sclk_low_min_s: 13e-9,
            sync_setup_min_s: 13e-9,
            sdi_setup_min_s: 5e-9,
            sdi_hold_min_s: 5e-9,
            sdo_delay_max_s: 25e-9,
            sync_to_ldac_min_s: 20e-9,
            ldac_low_min_s: 20e-9,
        }
    }
}

/// The chains of AD5570.
#[derive(Debug, Clone)]
pub struct Ad5570Chains {
    pub timing: Ad5570Timing,
    chains: usize,
    per_chain: usize,
    sync: bool,
    sclk: bool,
    ldac: bool,
    sdi: u64,
    /// Per chain, per position from the pin: shift / input / DAC registers.
    shift: Vec<Vec<u16>>,
    input: Vec<Vec<u16>>,
    dac: Vec<Vec<u16>>,
    edges: u32,
    t_sync_fall_s: f64,
    t_sync_rise_s: f64,
    t_sclk_rise_s: f64,
    t_sclk_fall_s: f64,
    t_sdi_change_s: f64,
    t_ldac_fall_s: f64,
    /// Time of the last update (`LDAC` falling).
    pub t_update_s: f64,
    /// Updates (LDAC pulses).
    pub updates: u64,
}

impl Ad5570Chains {
    /// Powered up at 0 V (code `0x8000`).
    pub fn new(chains: usize, per_chain: usize, timing: Ad5570Timing) -> Self {
        let regs = vec![vec![0x8000u16; per_chain]; chains];
        Self {
            timing,
            chains,
            per_chain,
            sync: true,
            sclk: false,
            ldac: true,
            sdi: 0,
            shift: vec![vec![0; per_chain]; chains],
            input: regs.clone(),
            dac: regs,
            edges: 0,
            t_sync_fall_s: f64::NEG_INFINITY,
            t_sync_rise_s: f64::NEG_INFINITY,
            t_sclk_rise_s: f64::NEG_INFINITY,
            t_sclk_fall_s: f64::NEG_INFINITY,
            t_sdi_change_s: f64::NEG_INFINITY,
            t_ldac_fall_s: f64::NEG_INFINITY,
            t_update_s: f64::NEG_INFINITY,
            updates: 0,
        }
    }

    /// The DAC register of line `line` (chain `line / per_chain`, the word
    /// shifted first is in the farthest part).
    pub fn word(&self, line: usize) -> u16 {
        let (g, p) = neuroxbar_models::golden::fe_phy_lean::dac_slot(line, self.per_chain);
        self.dac[g][p]
    }

    /// The pins during the cycle that starts at `t_s`.
    pub fn observe(
        &mut self,
        t_s: f64,
        sync: bool,
        sclk: bool,
        sdi: u64,
        ldac: bool,
    ) -> Result<(), PartError> {
        let tm = self.timing;
        let sdi = sdi & ((1u64 << self.chains) - 1);
        if sdi != self.sdi && !self.sync {
            let dt = t_s - self.t_sclk_fall_s;
            check(
                at_least(dt, tm.sdi_hold_min_s),
                PART,
                "SDIN hold after SCLK falling",
                t_s,
                || {
                    format!(
                        "SDIN changed {:.1} ns after SCLK fell, needs {:.1} ns",
                        ns(dt),
                        ns(tm.sdi_hold_min_s)
                    )
                },
            )?;
        }
        if sdi != self.sdi {
            self.t_sdi_change_s = t_s;
        }
        self.sdi = sdi;
        if !sync && self.sync {
            self.t_sync_fall_s = t_s;
            self.edges = 0;
        }
        if sclk && !self.sclk {
            let low = t_s - self.t_sclk_fall_s;
            check(
                at_least(low, tm.sclk_low_min_s),
                PART,
                "SCLK low time",
                t_s,
                || format!("{:.1} ns, needs {:.1} ns", ns(low), ns(tm.sclk_low_min_s)),
            )?;
            self.t_sclk_rise_s = t_s;
        }
        if !sclk && self.sclk {
            let high = t_s - self.t_sclk_rise_s;
            check(
                at_least(high, tm.sclk_high_min_s),
                PART,
                "SCLK high time",
                t_s,
                || format!("{:.1} ns, needs {:.1} ns", ns(high), ns(tm.sclk_high_min_s)),
            )?;
            // the next part's SDIN is the previous part's SDO, valid
            // `sdo_delay` after the rising edge: its setup before this edge
            if self.per_chain > 1 {
                check(
                    at_least(high - tm.sdo_delay_max_s, tm.sdi_setup_min_s),
                    PART,
                    "daisy chain: SDO delay + SDIN setup within SCLK high",
                    t_s,
                    || {
                        format!(
                            "SCLK high {:.1} ns < {:.1} + {:.1} ns",
                            ns(high),
                            ns(tm.sdo_delay_max_s),
                            ns(tm.sdi_setup_min_s)
                        )
                    },
                )?;
            }
            if !sync {
                let period = t_s - self.t_sclk_fall_s;
                check(
                    at_least(period, tm.sclk_period_min_s) || self.edges == 0,
                    PART,
                    "SCLK cycle time",
                    t_s,
                    || {
                        format!(
                            "{:.1} ns, needs {:.1} ns",
                            ns(period),
                            ns(tm.sclk_period_min_s)
                        )
                    },
                )?;
                if self.edges == 0 {
                    let dt = t_s - self.t_sync_fall_s;
                    check(
                        at_least(dt, tm.sync_setup_min_s),
                        PART,
                        "SYNC to SCLK falling setup",
                        t_s,
                        || format!("{:.1} ns, needs {:.1} ns", ns(dt), ns(tm.sync_setup_min_s)),
                    )?;
                }
                let dt = t_s - self.t_sdi_change_s;
                check(
                    at_least(dt, tm.sdi_setup_min_s),
                    PART,
                    "SDIN setup before SCLK falling",
                    t_s,
                    || format!("{:.1} ns, needs {:.1} ns", ns(dt), ns(tm.sdi_setup_min_s)),
                )?;
                for g in 0..self.chains {
                    let mut carry = self.sdi >> g & 1 == 1;
                    for p in 0..self.per_chain {
                        let out = self.shift[g][p] >> 15 == 1;
                        self.shift[g][p] = self.shift[g][p] << 1 | carry as u16;
                        carry = out;
                    }
                }
                self.edges += 1;
            }
            self.t_sclk_fall_s = t_s;
        }
        self.sclk = sclk;
        if sync && !self.sync {
            let need = 16 * self.per_chain as u32;
            check(
                self.edges == need,
                PART,
                "SYNC rising after 16 bits per part",
                t_s,
                || {
                    format!(
                        "{} SCLK edges in the frame, the chain of {} needs {need}",
                        self.edges, self.per_chain
                    )
                },
            )?;
            self.input = self.shift.clone();
            self.t_sync_rise_s = t_s;
        }
        self.sync = sync;
        if !ldac && self.ldac {
            let dt = t_s - self.t_sync_rise_s;
            check(
                at_least(dt, tm.sync_to_ldac_min_s),
                PART,
                "SYNC rising to LDAC falling",
                t_s,
                || {
                    format!(
                        "{:.1} ns, needs {:.1} ns",
                        ns(dt),
                        ns(tm.sync_to_ldac_min_s)
                    )
                },
            )?;
            self.dac = self.input.clone();
            self.t_ldac_fall_s = t_s;
            self.t_update_s = t_s;
            self.updates += 1;
        }
        if ldac && !self.ldac {
            let dt = t_s - self.t_ldac_fall_s;
            check(
                at_least(dt, tm.ldac_low_min_s),
                PART,
                "LDAC low pulse width",
                t_s,
                || format!("{:.1} ns, needs {:.1} ns", ns(dt), ns(tm.ldac_low_min_s)),
            )?;
        }
        self.ldac = ldac;
        Ok(())
    }
}
