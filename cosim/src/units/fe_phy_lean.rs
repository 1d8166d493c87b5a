//! The pin-lean front-end PHY (`LeanPhy<30, 5, 6, 2>`: 25 rows + 5
//! columns, six AD5570 chains, two SN74LV595A chains) on Verilator,
//! rust-hdl and the golden model. The random stimulus is
//! [`PhyStimulus`](super::fe_phy::PhyStimulus) (bus and ADC pins are the
//! same as `FrontEndPhy`'s).

use super::CycleModel;
use crate::harness::{Harness, HarnessError, Trace};
use crate::verilated::phy_lean_25x5;
use neuroxbar_models::golden::fe_phy::{PhyInputs, PhyOutputs};
use neuroxbar_models::golden::fe_phy_lean::{LeanPhyModel, LeanPhyOutputs};
use neuroxbar_models::golden::fixed::sign_extend;
use neuroxbar_rtl::fe_bus::{code_bits, FE_RD_BITS};
use neuroxbar_rtl::fe_phy_lean::LeanPhy;
use neuroxbar_rtl::rust_hdl::prelude::*;

pub use super::fe_phy::{N_COLS, N_LINES};
/// DAC chains (data pins) and shift-register chains.
pub const N_DAC_CHAINS: usize = 6;
pub const N_SR_CHAINS: usize = 2;

/// What [`PhyStimulus`](super::fe_phy::PhyStimulus) reads of the outputs.
pub fn stimulus_view(o: &LeanPhyOutputs) -> PhyOutputs {
    PhyOutputs {
        fe_busy: o.fe_busy,
        adc_convst: o.adc_convst,
        ..Default::default()
    }
}

/// Verilator back end.
pub struct VerilatorLeanPhy {
    pub harness: Harness<phy_lean_25x5::Model>,
}

impl VerilatorLeanPhy {
    pub fn new(trace: Trace) -> Result<Self, HarnessError> {
        Ok(Self {
            harness: Harness::new(trace)?,
        })
    }
}

impl CycleModel for VerilatorLeanPhy {
    type Inputs = PhyInputs;
    type Outputs = LeanPhyOutputs;
    fn step(&mut self, inp: &PhyInputs) -> LeanPhyOutputs {
        let m = &mut self.harness.model;
        m.set_reset(inp.reset as u64);
        m.set_fe_ch(inp.fe_ch as u64);
        m.set_fe_code(code_bits(inp.fe_code));
        m.set_fe_mode(inp.fe_mode as u64 & 3);
        m.set_fe_we(inp.fe_we as u64);
        m.set_fe_apply(inp.fe_apply as u64);
        m.set_fe_sample(inp.fe_sample as u64);
        m.set_adc_busy(inp.adc_busy as u64);
        m.set_adc_douta(inp.adc_douta as u64);
        self.harness.step();
        let m = &self.harness.model;
        LeanPhyOutputs {
            fe_busy: m.fe_busy() != 0,
            fe_rd_valid: m.fe_rd_valid() != 0,
            fe_rd_ch: m.fe_rd_ch() as u8,
            fe_rd_data: sign_extend(m.fe_rd_data(), FE_RD_BITS as _) as i16,
            fe_rd_sat: m.fe_rd_sat() != 0,
            dac_sync: m.dac_sync() != 0,
            dac_sclk: m.dac_sclk() != 0,
            dac_sdi: m.dac_sdi(),
            dac_ldac: m.dac_ldac() != 0,
            sr_clk: m.sr_clk() != 0,
            sr_ser: m.sr_ser(),
            sr_rclk: m.sr_rclk() != 0,
            apply: m.apply() != 0,
            adc_convst: m.adc_convst() != 0,
            adc_cs: m.adc_cs() != 0,
            adc_sclk: m.adc_sclk() != 0,
            phy_error: m.phy_error() as u8,
        }
    }
    fn skip_time(&mut self, cycles: u64) {
        self.harness.skip(cycles);
    }
}

/// rust-hdl simulator back end (inputs applied with the falling edge).
pub struct RustHdlLeanPhy {
    pub dut: Box<LeanPhy<N_LINES, N_COLS, N_DAC_CHAINS, N_SR_CHAINS>>,
}

impl Default for RustHdlLeanPhy {
    fn default() -> Self {
        let mut dut = Box::<LeanPhy<N_LINES, N_COLS, N_DAC_CHAINS, N_SR_CHAINS>>::default();
        dut.connect_all();
        Self { dut }
    }
}

impl CycleModel for RustHdlLeanPhy {
    type Inputs = PhyInputs;
    type Outputs = LeanPhyOutputs;
    fn step(&mut self, inp: &PhyInputs) -> LeanPhyOutputs {
        let d = &mut *self.dut;
        d.reset.next = inp.reset;
        d.fe_ch.next = (inp.fe_ch as u64).into();
        d.fe_code.next = code_bits(inp.fe_code).into();
        d.fe_mode.next = (inp.fe_mode as u64 & 3).into();
        d.fe_we.next = inp.fe_we;
        d.fe_apply.next = inp.fe_apply;
        d.fe_sample.next = inp.fe_sample;
        d.adc_busy.next = inp.adc_busy;
        d.adc_douta.next = inp.adc_douta;
        rust_hdl_cycle!(d, 200);
        LeanPhyOutputs {
            fe_busy: d.fe_busy.val(),
            fe_rd_valid: d.fe_rd_valid.val(),
            fe_rd_ch: d.fe_rd_ch.val().to_u64() as u8,
            fe_rd_data: sign_extend(d.fe_rd_data.val().to_u64(), FE_RD_BITS as _) as i16,
            fe_rd_sat: d.fe_rd_sat.val(),
            dac_sync: d.dac_sync.val(),
            dac_sclk: d.dac_sclk.val(),
            dac_sdi: d.dac_sdi.val().to_u64(),
            dac_ldac: d.dac_ldac.val(),
            sr_clk: d.sr_clk.val(),
            sr_ser: d.sr_ser.val().to_u64(),
            sr_rclk: d.sr_rclk.val(),
            apply: d.apply.val(),
            adc_convst: d.adc_convst.val(),
            adc_cs: d.adc_cs.val(),
            adc_sclk: d.adc_sclk.val(),
            phy_error: d.phy_error.val().to_u64() as u8,
        }
    }
}

/// Golden model back end.
pub struct GoldenLeanPhy(pub LeanPhyModel);

impl Default for GoldenLeanPhy {
    fn default() -> Self {
        Self(LeanPhyModel::new(
            N_LINES,
            N_COLS,
            N_DAC_CHAINS,
            N_SR_CHAINS,
        ))
    }
}

impl CycleModel for GoldenLeanPhy {
    type Inputs = PhyInputs;
    type Outputs = LeanPhyOutputs;
    fn step(&mut self, inp: &PhyInputs) -> LeanPhyOutputs {
        self.0.step(inp)
    }
}
