//! Co-simulation benchmark of the 25 x 5 accelerator (E1 `letters-stdp`).
//!
//! `cargo bench -p neuroxbar-testbenches --bench e1` writes
//! `testbenches/benches/results/e1.md`:
//! - clocked cycles/s of the accelerator co-simulated against the array +
//!   front-end model, vs the bare Verilator model clocked with no device
//!   models attached;
//! - E1 wall time with time warp (full run) and without (a short run, and
//!   the full run extrapolated per presentation);
//! - simulated device seconds per wall second.

use neuroxbar_cosim::cosim::CoSim;
use neuroxbar_cosim::units::accelerator::VerilatorAccel;
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_cosim::Trace;
use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::frontend::{FrontEnd, FrontEndParams};
use neuroxbar_models::golden::accelerator::AccelInputs;
use neuroxbar_testbenches::letters_stdp::*;
use std::fmt::Write as _;
use std::time::Instant;

fn sim(cfg: &E1Config) -> CoSim<VerilatorAccel> {
    let spec = DeviceSpec::load(DeviceKind::FtjLinear, None).unwrap();
    let fe =
        FrontEnd::from_spec(&spec, N_ROWS, N_COLS, FrontEndParams::default(), cfg.seed).unwrap();
    CoSim::new(VerilatorAccel::new(Trace::Off).unwrap(), fe, cfg.warp).unwrap()
}

struct Run {
    wall_s: f64,
    presentations: usize,
    clocked: u64,
    simulated_s: f64,
}

fn run(cfg: &E1Config) -> Run {
    let mut s = sim(cfg);
    let mut presentations = 0;
    let t0 = Instant::now();
    let res = run_on(&mut s, cfg, &mut |d, _| presentations = d).unwrap();
    Run {
        wall_s: t0.elapsed().as_secs_f64(),
        presentations,
        clocked: res.clocked_cycles.unwrap_or(0),
        simulated_s: res.simulated_time_s,
    }
}

fn main() {
    let mut md = String::new();
    let full = E1Config::full("ftj-linear", 1);
    writeln!(
        md,
        "# E1 co-simulation benchmark (`cargo bench -p neuroxbar-testbenches --bench e1`)\n"
    )
    .unwrap();
    writeln!(
        md,
        "Machine: {} cores; `{}`. Accelerator 25 x 5 at 100 MHz, ftj-linear array, default front end.\n",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        std::env::consts::ARCH
    )
    .unwrap();

    // 1. co-simulation vs bare model, clocked cycles/s, no warp
    let short = E1Config {
        epochs: 1,
        noise_levels: vec![],
        test_repeats: 0,
        warp: false,
        ..full.clone()
    };
    let cosim = run(&short);
    let n_bare = 5_000_000u64;
    let mut bare = VerilatorAccel::new(Trace::Off).unwrap();
    let mut inp = AccelInputs {
        reset: true,
        ..Default::default()
    };
    bare.step(&inp);
    inp.reset = false;
    let t0 = Instant::now();
    for c in 0..n_bare {
        inp.tick = c % 1000 == 0;
        bare.step(&inp);
    }
    let bare_s = t0.elapsed().as_secs_f64();
    writeln!(md, "## Clocked cycles per second\n\n| what | cycles | wall s | cycles/s |\n|---|---:|---:|---:|").unwrap();
    writeln!(
        md,
        "| co-simulation with the array + front-end model (E1, 1 epoch, no warp) | {} | {:.2} | {:.3e} |",
        cosim.clocked,
        cosim.wall_s,
        cosim.clocked as f64 / cosim.wall_s
    )
    .unwrap();
    writeln!(md, "| bare Verilator model, no device models (tick every 1000 cycles) | {n_bare} | {bare_s:.2} | {:.3e} |\n", n_bare as f64 / bare_s).unwrap();

    // 2. E1 wall time with and without warp
    let warped_short = run(&E1Config {
        warp: true,
        ..short.clone()
    });
    let warped_full = run(&full);
    let per_pres_plain = cosim.wall_s / cosim.presentations as f64;
    writeln!(md, "## E1 wall time\n\n| run | presentations | clocked cycles | simulated s | wall s | simulated s per wall s |\n|---|---:|---:|---:|---:|---:|").unwrap();
    for (name, r) in [
        ("1 epoch + clean test, no warp", &cosim),
        ("1 epoch + clean test, warp", &warped_short),
        (
            "full E1 (100 epochs, 11 noise levels x 10), warp",
            &warped_full,
        ),
    ] {
        writeln!(
            md,
            "| {name} | {} | {} | {:.3} | {:.2} | {:.3e} |",
            r.presentations,
            r.clocked,
            r.simulated_s,
            r.wall_s,
            r.simulated_s / r.wall_s
        )
        .unwrap();
    }
    writeln!(
        md,
        "\nFull E1 without warp, extrapolated from the no-warp run per presentation: {} presentations x {:.2} s = {:.0} s ({:.0}x the warped run).",
        warped_full.presentations,
        per_pres_plain,
        per_pres_plain * warped_full.presentations as f64,
        per_pres_plain * warped_full.presentations as f64 / warped_full.wall_s
    )
    .unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/results/e1.md");
    neuroxbar_testbenches::report::write_atomic(&path, md.as_bytes()).unwrap();
    println!("{md}\nwritten to {}", path.display());
}
