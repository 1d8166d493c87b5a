//! neuroxbar RTL: RustHDL modules of the memristor-crossbar SNN accelerator
//! and their Verilog generation.

pub use rust_hdl;

pub mod fixed;
pub mod lif;
pub mod lif_wta_top;
pub mod regs;
pub mod testing;
pub mod verilog;
pub mod wta;
pub mod input_encoder;
pub mod accel_regs;
pub mod pulse_gen;
pub mod xbar_ctrl;
pub mod stdp;
pub mod refresh;
pub mod arbiter;
pub mod accelerator;
pub mod bcm;
