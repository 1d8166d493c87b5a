//! `neuroxbar board-sim --pty` (hidden): the board co-simulation (board
//! core = host link + accelerator, at its serial pins, with the array model
//! of E1 preconditioned as `run letters-stdp` does) behind a new
//! pseudo-terminal, so that `run letters-stdp --port` can be tried without
//! a board. Prints the port's path on one line, then serves requests until
//! its standard input closes.

use crate::stdout::outln;
use anyhow::{bail, Context};
use neuroxbar_cosim::board::BoardSim;
use neuroxbar_cosim::serial::serve_board;
use neuroxbar_cosim::Trace;
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
    /// The board's clock, MHz, 0.1..=500 [default: 100].
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub clock_mhz: Option<f64>,
}

pub fn run(a: Args) -> anyhow::Result<()> {
    if !a.pty {
        bail!("board-sim needs --pty (it serves the board co-simulation on a pseudo-terminal)");
    }
    let mut cfg = E1Config::full("ftj-linear", a.seed.unwrap_or(1));
    cfg.clock_mhz = a.clock_mhz.unwrap_or(cfg.clock_mhz);
    let fe = letters_stdp::preconditioned_front_end(&cfg)?;
    let mut sim = BoardSim::new(fe, true, Trace::Off)?;
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
    let served = serve_board(&mut sim, &mut board, &|| closed.load(Ordering::SeqCst))?;
    drop(host);
    eprintln!("board-sim: {served} requests served");
    Ok(())
}
