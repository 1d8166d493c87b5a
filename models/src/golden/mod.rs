//! Bit-accurate golden models of the RTL units, in plain Rust.
//!
//! Each model is cycle accurate: `step` takes the inputs present during one
//! clock cycle and returns the registered outputs after its rising edge, so it
//! can be compared with the Verilated RTL and rust-hdl's simulator output for
//! output, cycle for cycle. Number formats are spelled with the `fixed` crate.

/// Register address constants `NAME: u8` and `ALL`, every one of them as
/// `(name, address)` (a co-simulation test checks `ALL` against the RTL's
/// register table).
macro_rules! register_addresses {
    ($($name:ident = $addr:expr),* $(,)?) => {
        $(pub const $name: u8 = $addr;)*
        /// The constants of this module as `(name, address)`.
        pub const ALL: &[(&str, u8)] = &[$((stringify!($name), $name)),*];
    };
}

pub mod accelerator;
pub mod arbiter;
pub mod bcm;
pub mod cmd_bus;
pub mod fe_adc;
pub mod fe_bus;
pub mod fe_phy;
pub mod fe_phy_lean;
pub mod fixed;
pub mod input_encoder;
pub mod lif;
pub mod lif_wta_top;
pub mod pulse_gen;
pub mod refresh;
pub mod stdp;
pub mod wta;
pub mod xbar_ctrl;
