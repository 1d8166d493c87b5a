//! neuroxbar RTL: RustHDL modules of the memristor-crossbar SNN accelerator
//! and their Verilog generation.

pub use rust_hdl;

pub mod accel_regs;
pub mod accelerator;
pub mod arbiter;
pub mod bcm;
pub mod board;
pub mod board_tops;
pub mod cmd_bus;
pub mod fe_adc;
pub mod fe_bus;
pub mod fe_phy;
pub mod fe_phy_lean;
pub mod fe_stage;
pub mod fixed;
pub mod host_link;
pub mod input_encoder;
pub mod lif;
pub mod lif_wta_top;
pub mod pulse_gen;
pub mod refresh;
pub mod regs;
pub mod stdp;
pub mod testing;
pub mod tops;
pub mod verilog;
pub mod wta;
pub mod xbar_ctrl;
