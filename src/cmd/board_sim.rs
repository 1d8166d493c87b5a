//! `neuroxbar board-sim --pty` (hidden): the board co-simulation (board
//! core = host link + accelerator, at its serial pins, with the array model
//! of E1 preconditioned as `run letters-stdp` does) behind a new
//! pseudo-terminal, so that `run letters-stdp --port` can be tried without
//! a board. Prints the port's path on one line, then serves requests until
//! its standard input closes. `--board ulx3s` serves the whole ULX3S board
//! top at its pins instead (`neuroxbar_cosim::board_top`).

use crate::stdout::outln;
use anyhow::{bail, Context};
use neuroxbar_cosim::board::{BoardSim, SerialBoard};
use neuroxbar_cosim::board_top::BoardTopSim;
use neuroxbar_cosim::serial::serve_board;
use neuroxbar_cosim::Trace;
use neuroxbar_rtl::board_tops::ULX3S_CLOCK_MHZ;
use neuroxbar_testbenches::letters_stdp::{self, E1Config};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Serve on a new pseudo-terminal pair (the only way it serves).
    #[arg(long)]
    pub pty: bool,
    /// E1's seed: the array's device variation and preconditioning [default: 1].
    #[arg(long)]
    pub seed: Option<u64>,
    /// The board's clock, MHz, 0.1..=500 [default: 100; not with --board].
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub clock_mhz: Option<f64>,
    /// Serve a whole board top at its pins instead of the board core:
    /// `ulx3s` (`ulx3s_25x5` at 25 MHz, UART at 1 Mbaud, the pin-lean
    /// PHY's DAC, shift-register and ADC parts in front of the array).
    #[arg(long, value_name = "B")]
    pub board: Option<String>,
}

pub fn run(a: Args) -> anyhow::Result<()> {
    if !a.pty {
        bail!("board-sim needs --pty (it serves the board co-simulation on a pseudo-terminal)");
    }
    let mut cfg = E1Config::full("ftj-linear", a.seed.unwrap_or(1));
    match a.board.as_deref() {
        None => cfg.clock_mhz = a.clock_mhz.unwrap_or(cfg.clock_mhz),
        Some("ulx3s") => {
            if a.clock_mhz.is_some() {
                bail!(
                    "--clock-mhz does not apply with --board ulx3s (the board top runs at its \
                     {ULX3S_CLOCK_MHZ} MHz)"
                );
            }
            cfg.clock_mhz = ULX3S_CLOCK_MHZ;
        }
        Some(b) => bail!("--board {b}: allowed: ulx3s (the board tops co-simulated at their pins)"),
    }
    let fe = letters_stdp::preconditioned_front_end(&cfg)?;
    if a.board.is_some() {
        let mut sim = BoardTopSim::new(fe, Trace::Off)?;
        return serve(&mut sim);
    }
    let mut sim = BoardSim::new(fe, true, Trace::Off)?;
    serve(&mut sim)
}

/// Serve `sim` on a new pseudo-terminal until standard input closes.
fn serve<B: SerialBoard>(sim: &mut B) -> anyhow::Result<()> {
    let (mut board, host) =
        serialport::TTYPort::pair().context("opening a pseudo-terminal pair")?;
    let name = serialport::SerialPort::name(&host).unwrap_or_default();
    outln!("{name}");
    let closed = Arc::new(AtomicBool::new(false));
    let flag = closed.clone();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        flag.store(true, Ordering::SeqCst);
    });
    let served = serve_board(sim, &mut board, &|| closed.load(Ordering::SeqCst))?;
    drop(host);
    eprintln!("board-sim: {served} requests served");
    Ok(())
}
