//! The pin-lean front-end PHY (`LeanPhy<30, 5, 6, 2>`: 25 rows + 5
//! columns, six AD5570 chains, two SN74LV595A chains) on Verilator,
//! rust-hdl and the golden model. The random stimulus is
//! [`PhyStimulus`](super::fe_phy::PhyStimulus) (bus and ADC pins are the
//! same as `FrontEndPhy`'s).

use super::fe_phy::phy_back_ends;
use crate::verilated::phy_lean_25x5;
use neuroxbar_models::golden::fe_bus::FeAnswer;
use neuroxbar_models::golden::fe_phy::{PhyInputs, PhyOutputs};
use neuroxbar_models::golden::fe_phy_lean::{LeanPhyModel, LeanPhyOutputs};
use neuroxbar_rtl::fe_phy_lean::LeanPhy;
use neuroxbar_rtl::rust_hdl::prelude::*;

pub use super::fe_phy::{N_COLS, N_LINES};
/// DAC chains (data pins) and shift-register chains.
pub const N_DAC_CHAINS: usize = 6;
pub const N_SR_CHAINS: usize = 2;

/// The parts behind the pins of `phy_lean_25x5` (and of the ULX3S board
/// top): six AD5570 chains of five, two SN74LV595A chains of fifteen lines,
/// with their default timing rules.
pub fn lean_parts() -> (crate::parts::Ad5570Chains, crate::parts::Sn74lv595aChains) {
    use crate::parts::*;
    (
        Ad5570Chains::new(
            N_DAC_CHAINS,
            N_LINES / N_DAC_CHAINS,
            Ad5570Timing::default(),
        ),
        Sn74lv595aChains::new(
            N_SR_CHAINS,
            N_LINES / N_SR_CHAINS,
            Sn74lv595aTiming::default(),
        ),
    )
}

/// What [`PhyStimulus`](super::fe_phy::PhyStimulus) reads of the outputs.
pub fn stimulus_view(o: &LeanPhyOutputs) -> PhyOutputs {
    PhyOutputs {
        fe: FeAnswer {
            busy: o.fe.busy,
            ..Default::default()
        },
        adc_convst: o.adc_convst,
        ..Default::default()
    }
}

phy_back_ends! {
    outputs: LeanPhyOutputs,
    verilator: VerilatorLeanPhy(phy_lean_25x5::Model),
    rust_hdl: RustHdlLeanPhy(LeanPhy<N_LINES, N_COLS, N_DAC_CHAINS, N_SR_CHAINS>),
    golden: GoldenLeanPhy(LeanPhyModel) =
        LeanPhyModel::new(N_LINES, N_COLS, N_DAC_CHAINS, N_SR_CHAINS),
    pins: {
        dac_sync: bit,
        dac_sclk: bit,
        dac_sdi: bits,
        dac_ldac: bit,
        sr_clk: bit,
        sr_ser: bits,
        sr_rclk: bit,
        apply: bit,
    }
}
