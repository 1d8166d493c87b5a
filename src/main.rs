//! `neuroxbar`: generate the accelerator's Verilog, co-simulate it against
//! memristive device models, characterize devices, inspect waveforms,
//! synthesize for FPGAs.

use clap::{Parser, Subcommand};

mod cmd;
mod stdout;

#[derive(Parser)]
#[command(name = "neuroxbar", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Write the accelerator's Verilog and its port + register map.
    Verilog(cmd::verilog::Args),
    /// Co-simulate an experiment (default experiment when no name is given).
    Run(Box<cmd::run::Args>),
    /// Characterize a device model with a measurement protocol.
    Device(cmd::device::Args),
    /// Render a VCD file as a text waveform, or summarize it.
    Wave(cmd::wave::Args),
    /// Run an experiment over a grid of options, seeds and devices (local
    /// cores or a Slurm job array), one result folder per point, and
    /// summarize.
    Sweep(cmd::sweep::Args),
    /// Synthesize, place and route a top for an FPGA (YoWASP Yosys and
    /// nextpnr): resources, latches, fmax, critical path, bitstream.
    Synth(cmd::synth::Args),
    /// The board co-simulation behind a pseudo-terminal (for testing
    /// `run --port` without a board).
    #[command(hide = true)]
    BoardSim(cmd::board_sim::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // Ctrl-C, `kill`, Slurm's `scancel`, a closed terminal: remove the
    // results still being written (a result folder is complete or absent)
    // and exit as a shell expects of an interrupted command
    let _ = ctrlc::set_handler(|| {
        cmd::sweep::terminate_points();
        neuroxbar_testbenches::experiment::remove_unfinished_outputs();
        eprintln!("neuroxbar: interrupted; unfinished results removed");
        std::process::exit(130);
    });
    let result = match cli.command {
        Some(Command::Verilog(a)) => cmd::verilog::run(a),
        Some(Command::Run(a)) => cmd::run::run(*a),
        None => cmd::run::run(cmd::run::Args::default()),
        Some(Command::Device(a)) => cmd::device::run(a),
        Some(Command::Wave(a)) => cmd::wave::run(a),
        Some(Command::Synth(a)) => cmd::synth::run(a),
        Some(Command::Sweep(a)) => cmd::sweep::run(a),
        Some(Command::BoardSim(a)) => cmd::board_sim::run(a),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
