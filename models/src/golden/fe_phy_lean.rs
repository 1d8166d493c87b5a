//! Golden model of `neuroxbar_rtl::fe_phy_lean::LeanPhy`: the pin-lean
//! front-end PHY (daisy-chained AD5570 DACs with a common LDAC, 74LV595A
//! shift-register chains for the ADG1404 mux addresses, one AD7606 ADC).
//! Cycle accurate; the RTL module documents the pins and the timing.

use super::fe_adc::AdcReaderModel;
use super::fe_bus::FeAnswer;
use super::fe_phy::{PhyInputs, Staging};

/// Cycles from `fe_apply` / `fe_sample` to the `apply` / `adc_convst` pins.
pub const LEAN_PHY_LATENCY: usize = 288;
/// FPGA clocks per serial bit (SCLK high in the middle one).
pub const CYCLES_PER_BIT: usize = 3;
/// Bits of one AD5570 word.
pub const DAC_WORD_BITS: usize = 16;

/// Words of the delay lines (`LEAN_PHY_LATENCY` bits).
const DL_WORDS: usize = LEAN_PHY_LATENCY.div_ceil(64);

/// Outputs after the rising edge: the controller's bus inputs and the pins.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeanPhyOutputs {
    /// The front-end's answer (`fe_busy`, `fe_rd_*`).
    pub fe: FeAnswer,
    /// AD5570 `SYNC` (active low), shared by every DAC.
    pub dac_sync: bool,
    pub dac_sclk: bool,
    /// Bit `g`: the data pin of DAC chain `g`.
    pub dac_sdi: u64,
    /// AD5570 `LDAC` (active low), shared by every DAC.
    pub dac_ldac: bool,
    /// 74LV595A `SRCLK`, shared by the mux chains.
    pub sr_clk: bool,
    /// Bit `m`: `SER` of shift-register chain `m`.
    pub sr_ser: u64,
    /// 74LV595A `RCLK`, shared.
    pub sr_rclk: bool,
    /// `EN` of every ADG1404.
    pub apply: bool,
    pub adc_convst: bool,
    pub adc_cs: bool,
    pub adc_sclk: bool,
    pub phy_error: u8,
}

fn dl_shift(v: &[u64; DL_WORDS], bit: bool) -> [u64; DL_WORDS] {
    let mut n = [0u64; DL_WORDS];
    for w in 0..DL_WORDS {
        let carry = if w == 0 { bit as u64 } else { v[w - 1] >> 63 };
        n[w] = v[w] << 1 | carry;
    }
    let top = LEAN_PHY_LATENCY - 64 * (DL_WORDS - 1);
    if top < 64 {
        n[DL_WORDS - 1] &= (1u64 << top) - 1;
    }
    n
}

fn dl_bit(v: &[u64; DL_WORDS], i: usize) -> bool {
    v[i / 64] >> (i % 64) & 1 == 1
}

/// Registered state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeanPhyModel {
    n_lines: usize,
    n_cols: usize,
    /// Lines per DAC chain and per shift-register chain.
    dac_chain: usize,
    sr_chain: usize,
    pub stg: Staging,
    pub snap_mode: Vec<u8>,
    pub sh: Vec<u16>,
    pub msh: Vec<u8>,
    pub mode_q: Vec<u8>,
    pub frame_on: bool,
    pub fph: u8,
    pub fbit: u16,
    pub sync_low: bool,
    pub sclk: bool,
    pub srclk: bool,
    pub upd: u8,
    pub ldac_low: bool,
    pub rclk: bool,
    pub dl_apply: [u64; DL_WORDS],
    pub dl_sample: [u64; DL_WORDS],
    pub err: u8,
    /// The ADC read path (as `FrontEndPhyModel`'s).
    pub adc: AdcReaderModel,
}

impl LeanPhyModel {
    /// `n_lines` lines (the last `n_cols` columns), `dac_chains` DAC chains
    /// and `sr_chains` shift-register chains, each dividing `n_lines`.
    pub fn new(n_lines: usize, n_cols: usize, dac_chains: usize, sr_chains: usize) -> Self {
        assert!((1..=8).contains(&n_cols) && n_cols < n_lines && n_lines <= 64);
        assert!(n_lines.is_multiple_of(dac_chains) && n_lines.is_multiple_of(sr_chains));
        let (dac_chain, sr_chain) = (n_lines / dac_chains, n_lines / sr_chains);
        assert!(2 * sr_chain <= DAC_WORD_BITS * dac_chain);
        Self {
            n_lines,
            n_cols,
            dac_chain,
            sr_chain,
            stg: Staging::new(n_lines),
            snap_mode: vec![0; n_lines],
            sh: vec![0; n_lines],
            msh: vec![0; n_lines],
            mode_q: vec![0; n_lines],
            frame_on: false,
            fph: 0,
            fbit: 0,
            sync_low: false,
            sclk: false,
            srclk: false,
            upd: 0,
            ldac_low: false,
            rclk: false,
            dl_apply: [0; DL_WORDS],
            dl_sample: [0; DL_WORDS],
            err: 0,
            adc: AdcReaderModel::new(n_lines, n_cols),
        }
    }

    /// Serial bits of one frame (the DAC chains').
    pub fn frame_bits(&self) -> usize {
        DAC_WORD_BITS * self.dac_chain
    }

    fn dl_any(v: &[u64; DL_WORDS]) -> bool {
        v.iter().any(|w| *w != 0)
    }

    /// Outputs of the present registers.
    pub fn outputs(&self) -> LeanPhyOutputs {
        let a = self.adc.outputs();
        let mut o = LeanPhyOutputs {
            fe: FeAnswer {
                busy: self.frame_on
                    || self.upd != 0
                    || Self::dl_any(&self.dl_apply)
                    || Self::dl_any(&self.dl_sample)
                    || self.adc.busy(),
                rd_valid: a.fe_rd_valid,
                rd_ch: a.fe_rd_ch,
                rd_data: a.fe_rd_data,
                rd_sat: a.fe_rd_sat,
            },
            dac_sync: !self.sync_low,
            dac_sclk: self.sclk,
            dac_ldac: !self.ldac_low,
            sr_clk: self.srclk,
            sr_rclk: self.rclk,
            apply: dl_bit(&self.dl_apply, LEAN_PHY_LATENCY - 1),
            adc_convst: a.adc_convst,
            adc_cs: a.adc_cs,
            adc_sclk: a.adc_sclk,
            phy_error: self.err,
            ..Default::default()
        };
        for g in 0..self.n_lines / self.dac_chain {
            o.dac_sdi |= u64::from(self.sh[g * self.dac_chain] >> 15) << g;
        }
        for m in 0..self.n_lines / self.sr_chain {
            o.sr_ser |= u64::from(self.msh[m * self.sr_chain] >> 1 & 1) << m;
        }
        o
    }

    /// One clock cycle; returns the outputs after the rising edge.
    pub fn step(&mut self, inp: &PhyInputs) -> LeanPhyOutputs {
        let s = self.clone(); // the registers before the edge
        let (nl, nc) = (self.n_lines, self.n_cols);
        let rising = self.stg.step(inp);
        self.dl_apply = dl_shift(&s.dl_apply, inp.fe.apply);
        self.dl_sample = dl_shift(&s.dl_sample, inp.fe.sample);
        let busy_lines = s.frame_on || s.upd != 0 || Self::dl_any(&s.dl_apply);
        let load = rising && s.stg.dirty && !busy_lines;
        let shift = s.frame_on && s.fph == 2;
        let sr_shift = shift && usize::from(s.fbit) < 2 * self.sr_chain;
        for i in 0..nl {
            if load {
                self.sh[i] = s.stg.word[i];
                self.msh[i] = s.stg.mode[i];
                self.snap_mode[i] = s.stg.mode[i];
            } else {
                if shift {
                    let next = !(i + 1).is_multiple_of(self.dac_chain) && s.sh[i + 1] >> 15 == 1;
                    self.sh[i] = s.sh[i] << 1 | next as u16;
                }
                if sr_shift {
                    let next = !(i + 1).is_multiple_of(self.sr_chain) && s.msh[i + 1] >> 1 & 1 == 1;
                    self.msh[i] = (s.msh[i] << 1 | next as u8) & 3;
                }
            }
            if s.upd == 1 {
                self.mode_q[i] = s.snap_mode[i];
            }
        }
        // frame: 3 cycles per bit, SCLK high in the middle one
        if s.frame_on {
            match s.fph {
                0 => {
                    self.fph = 1;
                    self.sclk = true;
                    self.srclk = usize::from(s.fbit) < 2 * self.sr_chain;
                }
                1 => {
                    self.fph = 2;
                    self.sclk = false;
                    self.srclk = false;
                }
                _ => {
                    self.fph = 0;
                    self.fbit = s.fbit + 1;
                    if usize::from(s.fbit) == self.frame_bits() - 1 {
                        self.frame_on = false;
                        self.fbit = 0;
                        self.sync_low = false;
                        self.upd = 1;
                    }
                }
            }
        }
        match s.upd {
            1 => {
                self.upd = 2;
                self.ldac_low = true;
                self.rclk = true;
            }
            2 => self.upd = 3,
            3 => {
                self.upd = 0;
                self.ldac_low = false;
                self.rclk = false;
            }
            _ => {}
        }
        if rising && s.stg.dirty {
            if busy_lines {
                self.err |= 1;
            } else {
                self.frame_on = true;
                self.fph = 0;
                self.fbit = 0;
                self.sync_low = true;
                self.sclk = false;
                self.srclk = false;
                self.stg.dirty = inp.fe.we;
            }
        }
        // ADC path (as FrontEndPhy's, with the longer delay)
        let sample_due = dl_bit(&s.dl_sample, LEAN_PHY_LATENCY - 2);
        self.err |= self.adc.step(inp, sample_due, &s.mode_q);
        if inp.reset {
            // the ADC path has reset itself (but for its BUSY synchronizer)
            let adc = self.adc.clone();
            *self = Self::new(nl, nc, nl / self.dac_chain, nl / self.sr_chain);
            self.adc = adc;
        }
        self.outputs()
    }
}

/// Where line `line`'s DAC sits: (chain, position from the FPGA, 0 first).
pub fn dac_slot(line: usize, lines_per_chain: usize) -> (usize, usize) {
    (
        line / lines_per_chain,
        lines_per_chain - 1 - line % lines_per_chain,
    )
}

/// Where line `line`'s mux address bits sit in its shift-register chain:
/// (chain, stage of A1, stage of A0); stage `s` is output `Q(A + s % 8)` of
/// the chain's `s / 8`-th 74LV595A from the FPGA.
pub fn mux_stages(line: usize, lines_per_chain: usize) -> (usize, usize, usize) {
    let k = line % lines_per_chain;
    let m = 2 * lines_per_chain;
    (line / lines_per_chain, m - 1 - 2 * k, m - 2 - 2 * k)
}
