//! The accelerator top with the array model in the loop: the golden model,
//! Verilator and rust-hdl's simulator agree on every output of every clocked cycle of a
//! short E1 run, and a waveform of one time step is pinned.

use neuroxbar_cosim::cosim::CoSim;
use neuroxbar_cosim::units::accelerator::{GoldenAccel, RustHdlAccel, VerilatorAccel};
use neuroxbar_cosim::units::{Lockstep, Recorder};
use neuroxbar_cosim::wave::{RenderOptions, Waveform};
use neuroxbar_cosim::Trace;
use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::frontend::{FrontEnd, FrontEndParams};
use neuroxbar_testbenches::letters_stdp::*;

fn front_end(seed: u64) -> FrontEnd {
    let spec = DeviceSpec::load(DeviceKind::FtjLinear, None).unwrap();
    FrontEnd::from_spec(&spec, N_ROWS, N_COLS, FrontEndParams::default(), seed).unwrap()
}

fn short(seed: u64) -> E1Config {
    E1Config {
        epochs: 2,
        noise_levels: vec![0.5],
        test_repeats: 1,
        pulse_width_s: 20e-6,
        pulse_interval_s: 20e-6,
        ..E1Config::reduced("ftj-linear", seed, 2)
    }
}

#[test]
fn golden_verilator_and_rust_hdl_agree_through_an_e1_run() {
    let cfg = E1Config {
        epochs: 10,
        ..short(3)
    };
    let dut = Lockstep {
        a: GoldenAccel::default(),
        b: Lockstep {
            a: VerilatorAccel::new(Trace::Off).unwrap(),
            b: RustHdlAccel::default(),
            cycles: 0,
        },
        cycles: 0,
    };
    let mut sim = CoSim::new(dut, front_end(3), true).unwrap();
    let res = run_on(&mut sim, &cfg, &mut |_, _| {}).unwrap();
    assert!(
        sim.dut.model.cycles >= 100_000,
        "compared {} cycles",
        sim.dut.model.cycles
    );
    assert!(
        res.programming_pulses.unwrap() > 100,
        "programming exercised: {:?}",
        res.programming_pulses
    );
    assert!(
        res.training_winners.iter().any(|(_, _, w)| w.is_some()),
        "winners exercised"
    );
}

/// One time step of a presentation of "L" (latency coded): the read of the
/// lit rows, the spike and winner, then the first PROGRAM commands.
#[test]
fn waveform_of_a_time_step() {
    let cfg = short(1);
    let dut = Recorder {
        inner: VerilatorAccel::new(Trace::Off).unwrap(),
        log: Vec::new(),
    };
    // no warp: the waveform shows every cycle of the settle wait
    let mut sim = CoSim::new(dut, front_end(1), false).unwrap();
    sim.reset().unwrap();
    let params = sim.fe.params().clone();
    configure(&mut sim, &cfg, &params, true).unwrap();
    let start = sim.dut.model.log.len();
    let mut schedule = Schedule::new(&cfg, params.clock_period_s, sim.time_cycles());
    schedule.present(&mut sim, &letter_pixels(1)).unwrap();
    let log = &sim.dut.model.log[start..];
    let t0 = log.iter().position(|(i, _)| i.tick).expect("a tick");
    let window = &log[t0..(t0 + 260).min(log.len())];
    let col = |f: &dyn Fn(
        &(
            neuroxbar_models::golden::accelerator::AccelInputs,
            neuroxbar_models::golden::accelerator::AccelOutputs,
        ),
    ) -> u64|
     -> Vec<u64> { window.iter().map(f).collect() };
    let rows: Vec<(&str, u32, Vec<u64>)> = vec![
        ("tick", 1, col(&|(i, _)| i.tick as u64)),
        ("idle", 1, col(&|(_, o)| o.idle as u64)),
        ("fe_we", 1, col(&|(_, o)| o.fe.we as u64)),
        ("fe_ch", 8, col(&|(_, o)| o.fe.ch as u64)),
        ("fe_mode", 2, col(&|(_, o)| o.fe.mode as u64)),
        (
            "fe_code",
            12,
            col(&|(_, o)| o.fe.code as u16 as u64 & 0xFFF),
        ),
        ("fe_apply", 1, col(&|(_, o)| o.fe.apply as u64)),
        ("fe_sample", 1, col(&|(_, o)| o.fe.sample as u64)),
        ("fe_busy", 1, col(&|(i, _)| i.fe.busy as u64)),
        ("fe_rd_valid", 1, col(&|(i, _)| i.fe.rd_valid as u64)),
        ("fe_rd_data", 16, col(&|(i, _)| i.fe.rd_data as u16 as u64)),
        ("spikes", 5, col(&|(_, o)| o.spikes)),
        ("winner_valid", 1, col(&|(_, o)| o.winner_valid as u64)),
        ("winner", 3, col(&|(_, o)| o.winner as u64)),
        ("wait_left", 32, col(&|(_, o)| o.wait_left as u64)),
    ];
    let wave = Waveform::from_cycles(&rows);
    let apply = rows[6]
        .2
        .iter()
        .position(|&v| v == 1)
        .expect("a read pulse") as u64;
    let first_result = rows[9]
        .2
        .iter()
        .position(|&v| v == 1)
        .expect("read results") as u64;
    let text = format!(
        "{}\n{}",
        wave.render(&RenderOptions {
            from: Some(apply - 4),
            to: Some(apply + 14),
            ..Default::default()
        }),
        wave.render(&RenderOptions {
            from: Some(first_result - 2),
            to: Some(first_result + 40),
            ..Default::default()
        }),
    );
    insta::assert_snapshot!(text);
}

/// The 81 x 4 build (E2's shape) generates and lints clean too.
#[test]
fn the_81x4_accelerator_builds_and_lints_clean() {
    use neuroxbar_rtl::accelerator::Accelerator;
    use neuroxbar_rtl::verilog::generate;
    let top = generate("accel_81x4", &mut *Box::<Accelerator<81, 4>>::default()).unwrap();
    assert!(top
        .ports
        .iter()
        .any(|p| p.name == "spikes_in" && p.width == 81));
    let dir = std::env::temp_dir().join(format!("neuroxbar-accel81x4-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = neuroxbar_flow::lint::lint(&top, &dir) {
        panic!("{e}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
