//! Golden model of `neuroxbar_rtl::fe_adc::AdcReader`: the AD7606 read
//! path both front-end PHYs share (CONVST, the BUSY wait, the serial read
//! of `n_cols` channels, one `fe_rd_*` result per column). Cycle accurate;
//! the RTL module documents the pins and the timing.

use super::fe_phy::PhyInputs;

/// FPGA clocks per ADC SCLK period.
pub const ADC_SCLK_DIV: u64 = 6;
/// Cycles `adc_convst` stays high.
pub const CONVST_CYCLES: u64 = 3;
/// Cycles the path waits for the synchronized BUSY to rise.
pub const BUSY_TIMEOUT_CYCLES: u64 = 16;

/// `phy_error` bit of a sample strobe while the path was busy.
pub const ERR_SAMPLE_BUSY: u8 = 2;
/// `phy_error` bit of a BUSY that did not rise in time.
pub const ERR_BUSY_TIMEOUT: u8 = 4;

/// ADC path state (same codes as the RTL `adc_st`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AdcState {
    #[default]
    Idle = 0,
    Conv = 1,
    WaitHi = 2,
    WaitLo = 3,
    Read = 4,
    ReadEnd = 5,
    Emit = 6,
}

/// The read path's outputs: its ADC pins and the `fe_rd_*` bus results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdcOutputs {
    pub fe_rd_valid: bool,
    pub fe_rd_ch: u8,
    /// Signed 16-bit ADC code.
    pub fe_rd_data: i16,
    pub fe_rd_sat: bool,
    pub adc_convst: bool,
    pub adc_cs: bool,
    pub adc_sclk: bool,
}

/// Registered state of the read path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdcReaderModel {
    n_lines: usize,
    n_cols: usize,
    pub adc_st: AdcState,
    pub cnt: u8,
    pub ph: u8,
    pub bits: u8,
    pub cur: u16,
    pub res: Vec<u16>,
    pub busy_s1: bool,
    pub busy_s2: bool,
    pub convst: bool,
    pub adc_cs_low: bool,
    pub adc_sclk_low: bool,
    pub rd_valid: bool,
    pub rd_ch: u8,
    pub rd_data: u16,
    pub rd_sat: bool,
}

impl AdcReaderModel {
    /// The path of a PHY with `n_lines` lines, the last `n_cols` (1..=8) of
    /// them columns.
    pub fn new(n_lines: usize, n_cols: usize) -> Self {
        assert!((1..=8).contains(&n_cols) && n_cols < n_lines && n_lines <= 256);
        Self {
            n_lines,
            n_cols,
            adc_st: AdcState::Idle,
            cnt: 0,
            ph: 0,
            bits: 0,
            cur: 0,
            res: vec![0; n_cols],
            busy_s1: false,
            busy_s2: false,
            convst: false,
            adc_cs_low: false,
            adc_sclk_low: false,
            rd_valid: false,
            rd_ch: 0,
            rd_data: 0,
            rd_sat: false,
        }
    }

    /// The path is not idle (part of `fe_busy`).
    pub fn busy(&self) -> bool {
        self.adc_st != AdcState::Idle
    }

    /// Outputs of the present registers.
    pub fn outputs(&self) -> AdcOutputs {
        AdcOutputs {
            fe_rd_valid: self.rd_valid,
            fe_rd_ch: self.rd_ch,
            fe_rd_data: self.rd_data as i16,
            fe_rd_sat: self.rd_sat,
            adc_convst: self.convst,
            adc_cs: !self.adc_cs_low,
            adc_sclk: !self.adc_sclk_low,
        }
    }

    /// One clock cycle of the PHY's inputs `inp` (`reset`, `adc_busy`,
    /// `adc_douta`). `start`: the PHY's delayed sample strobe; `line_modes`:
    /// every line's mux mode before the edge (a column's result is valid
    /// only in sense mode, 2). Returns the `phy_error` bits this cycle
    /// raises ([`ERR_SAMPLE_BUSY`], [`ERR_BUSY_TIMEOUT`]). `reset` idles the
    /// path and clears the results, but not the BUSY synchronizer.
    pub fn step(&mut self, inp: &PhyInputs, start: bool, line_modes: &[u8]) -> u8 {
        let s = self.clone(); // the registers before the edge
        let (nl, nc) = (self.n_lines, self.n_cols);
        let mut err = 0;
        self.busy_s1 = inp.adc_busy;
        self.busy_s2 = s.busy_s1;
        self.rd_valid = false;
        if start && s.adc_st != AdcState::Idle {
            err |= ERR_SAMPLE_BUSY;
        }
        let capture = s.adc_st == AdcState::Read && s.ph == 3;
        let captured = s.cur << 1 | inp.adc_douta as u16;
        if capture && s.bits & 15 == 15 {
            self.res[usize::from(s.bits >> 4)] = captured;
        }
        if s.adc_st == AdcState::Emit {
            let j = usize::from(s.cnt);
            let ch = nl - nc + j;
            self.rd_valid = line_modes[ch] == 2;
            self.rd_ch = ch as u8;
            self.rd_data = s.res[j];
            self.rd_sat = s.res[j] == 0x7FFF || s.res[j] == 0x8000;
        }
        match s.adc_st {
            AdcState::Idle => {
                if start {
                    self.adc_st = AdcState::Conv;
                    self.convst = true;
                    self.cnt = 0;
                }
            }
            AdcState::Conv => {
                self.cnt = s.cnt + 1;
                if s.cnt == 2 {
                    self.convst = false;
                    self.adc_st = AdcState::WaitHi;
                    self.cnt = 0;
                }
            }
            AdcState::WaitHi => {
                self.cnt = s.cnt + 1;
                if s.busy_s2 {
                    self.adc_st = AdcState::WaitLo;
                    self.cnt = 0;
                } else if s.cnt == 15 {
                    err |= ERR_BUSY_TIMEOUT;
                    self.adc_st = AdcState::WaitLo;
                    self.cnt = 0;
                }
            }
            AdcState::WaitLo => {
                if !s.busy_s2 {
                    self.adc_st = AdcState::Read;
                    self.adc_cs_low = true;
                    self.ph = 0;
                    self.bits = 0;
                }
            }
            AdcState::Read => {
                self.ph = if s.ph == 5 { 0 } else { s.ph + 1 };
                if s.ph == 0 {
                    self.adc_sclk_low = true;
                }
                if s.ph == 3 {
                    self.adc_sclk_low = false;
                    self.cur = captured;
                    self.bits = s.bits.wrapping_add(1);
                    if usize::from(s.bits) == 16 * nc - 1 {
                        self.adc_st = AdcState::ReadEnd;
                    }
                }
            }
            AdcState::ReadEnd => {
                self.adc_cs_low = false;
                self.adc_st = AdcState::Emit;
                self.cnt = 0;
            }
            AdcState::Emit => {
                self.cnt = s.cnt + 1;
                if usize::from(s.cnt) == nc - 1 {
                    self.adc_st = AdcState::Idle;
                    self.cnt = 0;
                }
            }
        }
        if inp.reset {
            // the BUSY synchronizer is not reset
            let (b1, b2) = (self.busy_s1, self.busy_s2);
            *self = Self::new(nl, nc);
            self.busy_s1 = b1;
            self.busy_s2 = b2;
        }
        err
    }
}
