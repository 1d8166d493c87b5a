//! neuroxbar's tool flow on the generated Verilog: synthesis with Yosys,
//! place and route with nextpnr and the bitstream packers ([`synth`]),
//! Verilator's lint ([`lint`]), the second-simulator replay under Icarus
//! Verilog ([`icarus`]), SymbiYosys proofs ([`formal`]). Reports are typed;
//! the command-line tool only
//! parses arguments and prints them.

pub mod boards;
pub mod files;
pub mod formal;
pub mod icarus;
pub mod lint;
pub mod nextpnr;
pub mod parts;
pub mod synth;
pub mod tools;
pub mod wrap;
pub mod yosys;

#[cfg(test)]
mod tests;

pub use files::write_atomic;

/// A failed flow step.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// A file or a program could not be read, written or started.
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    /// A tool failed or its output could not be read; the message names the
    /// log.
    #[error("{0}")]
    Failed(String),
}

impl FlowError {
    pub fn io(what: String, source: std::io::Error) -> Self {
        FlowError::Io { what, source }
    }
}
