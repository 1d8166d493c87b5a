//! Golden model of `neuroxbar_rtl::fe_phy::FrontEndPhy`: the front-end PHY
//! between the controller's `fe_*` bus and the pins of one AD5542A DAC and
//! one ADG1404 mux per line and an AD7606 ADC. Cycle accurate; the RTL
//! module documents the pins and the timing.

/// Cycles from `fe_apply` / `fe_sample` to the `apply` / `adc_convst` pins.
pub const PHY_LATENCY: u64 = 64;
/// Cycles with `dac_cs` low in a frame.
pub const FRAME_CYCLES: u64 = 33;
/// FPGA clocks per DAC SCLK period.
pub const DAC_SCLK_DIV: u64 = 2;
use super::fe_adc::AdcReaderModel;
pub use super::fe_adc::{AdcState, ADC_SCLK_DIV, BUSY_TIMEOUT_CYCLES, CONVST_CYCLES};
use super::fe_bus::{FeAnswer, FeDrive};

/// The AD5542A word of a signed 12-bit bus code: offset binary in the top
/// 12 bits, 4 zero bits.
pub fn dac_word(code: i16) -> u16 {
    ((((code as u16) & 0xFFF) ^ 0x800) << 4) & 0xFFF0
}

/// The signed 12-bit bus code of a DAC word (its top 12 bits).
pub fn code_of_word(word: u16) -> i16 {
    let c = ((word >> 4) ^ 0x800) as i16;
    (c << 4) >> 4
}

/// Inputs during one clock cycle: the controller's bus outputs and the
/// ADC's output pins.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhyInputs {
    pub reset: bool,
    /// The front-end bus as the controller drives it (`fe_ch` ... `fe_sample`).
    pub fe: FeDrive,
    pub adc_busy: bool,
    pub adc_douta: bool,
}

impl PhyInputs {
    /// A staging write: line `ch`'s mode and code.
    pub fn stage(ch: u8, mode: u8, code: i16) -> Self {
        Self {
            fe: FeDrive {
                we: true,
                ch,
                mode,
                code,
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

/// Outputs after the rising edge: the bus inputs of the controller and the
/// pins. Per-line pins as bit masks (bit `i` = line `i`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhyOutputs {
    /// The front-end's answer (`fe_busy`, `fe_rd_*`).
    pub fe: FeAnswer,
    pub dac_cs: bool,
    pub dac_sclk: bool,
    pub dac_sdi: u64,
    pub mux_a0: u64,
    pub mux_a1: u64,
    pub apply: bool,
    pub adc_convst: bool,
    pub adc_cs: bool,
    pub adc_sclk: bool,
    pub phy_error: u8,
}

/// The staging bank both PHYs (`FrontEndPhy`, `LeanPhy`) keep: each line's
/// DAC word and mux mode as last written (`fe_we`), whether any was written
/// since the last frame load, and `fe_apply` a cycle ago (for its rising
/// edge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staging {
    pub word: Vec<u16>,
    pub mode: Vec<u8>,
    pub dirty: bool,
    pub apply_prev: bool,
}

impl Staging {
    pub fn new(n_lines: usize) -> Self {
        Self {
            word: vec![dac_word(0); n_lines],
            mode: vec![0; n_lines],
            dirty: false,
            apply_prev: false,
        }
    }

    /// One cycle of the bus inputs: the staging write of `fe_we` (which
    /// makes the bank dirty) and the `fe_apply` history; returns whether
    /// `fe_apply` rose in this cycle.
    pub fn step(&mut self, inp: &PhyInputs) -> bool {
        let rising = inp.fe.apply && !self.apply_prev;
        self.apply_prev = inp.fe.apply;
        if inp.fe.we {
            let ch = usize::from(inp.fe.ch);
            if ch < self.word.len() {
                self.word[ch] = dac_word(inp.fe.code);
                self.mode[ch] = inp.fe.mode & 3;
            }
            self.dirty = true;
        }
        rising
    }
}

/// Registered state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontEndPhyModel {
    n_lines: usize,
    n_cols: usize,
    pub stg: Staging,
    pub snap_mode: Vec<u8>,
    pub sh: Vec<u16>,
    pub mode_q: Vec<u8>,
    pub frame_on: bool,
    pub frame: u8,
    pub dac_cs_low: bool,
    pub dac_sclk: bool,
    pub dl_apply: u64,
    pub dl_sample: u64,
    pub err: u8,
    /// The ADC read path.
    pub adc: AdcReaderModel,
}

impl FrontEndPhyModel {
    /// `n_lines` lines, the last `n_cols` of them columns (1..=8).
    pub fn new(n_lines: usize, n_cols: usize) -> Self {
        assert!((1..=8).contains(&n_cols) && n_cols < n_lines && n_lines <= 64);
        Self {
            n_lines,
            n_cols,
            stg: Staging::new(n_lines),
            snap_mode: vec![0; n_lines],
            sh: vec![0; n_lines],
            mode_q: vec![0; n_lines],
            frame_on: false,
            frame: 0,
            dac_cs_low: false,
            dac_sclk: false,
            dl_apply: 0,
            dl_sample: 0,
            err: 0,
            adc: AdcReaderModel::new(n_lines, n_cols),
        }
    }

    /// Outputs of the present registers.
    pub fn outputs(&self) -> PhyOutputs {
        let a = self.adc.outputs();
        let mut o = PhyOutputs {
            fe: FeAnswer {
                busy: self.frame_on || self.dl_apply != 0 || self.dl_sample != 0 || self.adc.busy(),
                rd_valid: a.fe_rd_valid,
                rd_ch: a.fe_rd_ch,
                rd_data: a.fe_rd_data,
                rd_sat: a.fe_rd_sat,
            },
            dac_cs: !self.dac_cs_low,
            dac_sclk: self.dac_sclk,
            apply: self.dl_apply >> 63 & 1 == 1,
            adc_convst: a.adc_convst,
            adc_cs: a.adc_cs,
            adc_sclk: a.adc_sclk,
            phy_error: self.err,
            ..Default::default()
        };
        for i in 0..self.n_lines {
            o.dac_sdi |= u64::from(self.sh[i] >> 15) << i;
            o.mux_a0 |= u64::from(self.mode_q[i] & 1) << i;
            o.mux_a1 |= u64::from(self.mode_q[i] >> 1 & 1) << i;
        }
        o
    }

    /// One clock cycle; returns the outputs after the rising edge.
    pub fn step(&mut self, inp: &PhyInputs) -> PhyOutputs {
        let s = self.clone(); // the registers before the edge
        let (nl, nc) = (self.n_lines, self.n_cols);
        let rising = self.stg.step(inp);
        self.dl_apply = s.dl_apply << 1 | inp.fe.apply as u64;
        self.dl_sample = s.dl_sample << 1 | inp.fe.sample as u64;
        let load = rising && s.stg.dirty && !s.frame_on;
        for i in 0..nl {
            if load {
                self.sh[i] = s.stg.word[i];
                self.snap_mode[i] = s.stg.mode[i];
            } else if s.frame_on && s.frame & 1 == 1 {
                self.sh[i] = s.sh[i] << 1;
            }
            if s.frame_on && s.frame == 32 {
                self.mode_q[i] = s.snap_mode[i];
            }
        }
        // DAC frame
        if s.frame_on {
            self.frame = s.frame + 1;
            if s.frame == 32 {
                self.frame_on = false;
                self.frame = 0;
                self.dac_cs_low = false;
            } else {
                // rising after an even frame cycle, falling after an odd one
                self.dac_sclk = s.frame & 1 == 0;
            }
        }
        if rising && s.stg.dirty {
            if s.frame_on {
                self.err |= 1;
            } else {
                self.frame_on = true;
                self.frame = 0;
                self.dac_cs_low = true;
                self.dac_sclk = false;
                self.stg.dirty = inp.fe.we;
            }
        }
        // ADC path
        let sample_due = s.dl_sample >> 62 & 1 == 1;
        self.err |= self.adc.step(inp, sample_due, &s.mode_q);
        if inp.reset {
            // the ADC path has reset itself (but for its BUSY synchronizer)
            let adc = self.adc.clone();
            *self = Self::new(nl, nc);
            self.adc = adc;
        }
        self.outputs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dac_words_are_offset_binary_and_round_trip() {
        assert_eq!(dac_word(0), 0x8000);
        assert_eq!(dac_word(-2048), 0x0000);
        assert_eq!(dac_word(2047), 0xFFF0);
        assert_eq!(dac_word(-1), 0x7FF0);
        for c in -2048..=2047 {
            assert_eq!(code_of_word(dac_word(c)), c);
        }
    }
}
