//! The whole ULX3S board top (`ulx3s_25x5`) at its pins: E1's host
//! program, reduced (one epoch of the five letters, the clean test, one
//! noisy pass), sends its frames bit by bit into `ftdi_txd` and reads the
//! answers at `ftdi_rxd`; behind the pin-lean PHY's 19 pins the AD5570 and
//! SN74LV595A chains and the AD7606 (their timing checked every cycle) put
//! the levels and modes on the array model. Everything of the design runs
//! as on the FPGA: power-on reset, UART, frame decoder, accelerator, the
//! PHY's serial frames and delay line, at the board's 25 MHz.
//!
//! The run gives the bus-level co-simulation's spikes and winners at every
//! time step, the array sees the same pulses (every line's level and mode,
//! and the width), each later by the PHY's latency, and the final
//! conductances agree to rounding (the FTJ's traces relax over intervals a
//! little longer where the PHY made the controller wait).
//!
//! The schedule leaves the link room: 1 ms time steps and 10 ms between
//! presentations (E1 uses 0.25 ms and 5 ms). A STEP exchange alone is 18
//! bytes, 4,500 cycles at 1 Mbaud, and a learning step's programming
//! pulses each wait for the PHY's 241-cycle DAC frame; with 0.2 ms steps
//! 67 of the 105 strobes come late and the device's pulses drift by up to
//! 7.5 ms, still with the same spikes and winners.

use neuroxbar_cosim::board_top::BoardTopSim;
use neuroxbar_cosim::cosim::CoSim;
use neuroxbar_cosim::host::{Host, Link};
use neuroxbar_cosim::parts::DevicePulse;
use neuroxbar_cosim::units::accelerator::VerilatorAccel;
use neuroxbar_cosim::Trace;
use neuroxbar_models::golden::fe_phy_lean::LEAN_PHY_LATENCY;
use neuroxbar_rtl::board_tops::ULX3S_CLOCK_MHZ;
use neuroxbar_testbenches::experiment::fe_params;
use neuroxbar_testbenches::letters_stdp::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn cfg() -> E1Config {
    E1Config {
        tick_s: 1e-3,
        gap_s: 10e-3,
        pulse_width_s: 2e-6,
        pulse_interval_s: 2e-6,
        noise_levels: vec![0.5],
        test_repeats: 1,
        clock_mhz: ULX3S_CLOCK_MHZ,
        ..E1Config::reduced("ftj-linear", 3, 1)
    }
}

/// E1's host program on `link`, the random stream drawn as `run` draws it.
fn program<L: Link>(link: &mut L, cfg: &E1Config) -> E1Session {
    let params = fe_params(cfg.clock_mhz).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE1);
    let _ = initial_pulse_counts(&mut rng);
    host_program(
        link,
        cfg,
        &params,
        &mut rng,
        &mut |_, _| {},
        &mut |_| Ok(()),
    )
    .unwrap()
}

/// Width and lines of each pulse, and the delay of each board pulse after
/// the bus-level one, cycles.
fn compare_pulses(bus: &[DevicePulse], board: &[DevicePulse]) -> Vec<u64> {
    assert_eq!(board.len(), bus.len(), "pulses on the array");
    bus.iter()
        .zip(board)
        .enumerate()
        .map(|(i, (a, b))| {
            assert_eq!(b.width_cycles, a.width_cycles, "pulse {i}: width");
            assert_eq!(b.lines, a.lines, "pulse {i}: the lines' levels and modes");
            assert!(b.start_cycles > a.start_cycles, "pulse {i}: not later");
            b.start_cycles - a.start_cycles
        })
        .collect()
}

#[test]
fn a_reduced_e1_through_the_ulx3s_board_top_at_its_pins_matches_the_bus_level_run() {
    let cfg = cfg();
    let t0 = std::time::Instant::now();
    let mut board = BoardTopSim::new(preconditioned_front_end(&cfg).unwrap(), Trace::Off).unwrap();
    let start = board.time_cycles();
    let got = program(&mut board, &cfg);
    let board_weights = board.weights_s().unwrap();
    let board_s = t0.elapsed().as_secs_f64();

    let mut bus = CoSim::new(
        VerilatorAccel::new(Trace::Off).unwrap(),
        preconditioned_front_end(&cfg).unwrap(),
        true,
    )
    .unwrap();
    bus.pulses = Some(Vec::new());
    bus.idle_until(start).unwrap();
    let want = program(&mut bus, &cfg);
    let bus_weights = bus.weights_s().unwrap();

    // the run did something: spikes, winners, learning
    assert_eq!(want.steps.len(), 15 * cfg.ticks_per_presentation);
    assert!(want.steps.iter().any(|s| s.spikes != 0));
    assert!(want.training_winners.iter().any(|w| w.2.is_some()));
    assert!(bus.fe.stats().apply_pulses > 0);

    assert_eq!(got.steps, want.steps, "spikes and winners of every step");
    assert_eq!(got.training_winners, want.training_winners);
    assert_eq!(got.letter_winner, want.letter_winner);
    assert_eq!(got.recognition_vs_noise, want.recognition_vs_noise);
    assert_eq!(
        board.array.fe.stats().apply_pulses,
        bus.fe.stats().apply_pulses
    );
    let delays = compare_pulses(bus.pulses.as_ref().unwrap(), &board.array.pulses);
    let (lo, hi) = (*delays.iter().min().unwrap(), *delays.iter().max().unwrap());
    // the host kept its schedule on both (no strobe late), so every
    // pulse is later only by the PHY: its serial frame and delay line
    // (the first pulse of a step) and the waits for `fe_busy` before each
    // further batch of the step, never into the next time step
    assert_eq!((got.late_strobes, want.late_strobes), (0, 0));
    assert_eq!(lo, LEAN_PHY_LATENCY as u64);
    let tick = cfg.tick_cycles(1e-6 / ULX3S_CLOCK_MHZ);
    assert!(hi < tick, "{hi} cycles, tick {tick}");
    let rel: Vec<f64> = board_weights
        .iter()
        .zip(&bus_weights)
        .map(|(a, b)| ((a - b) / b).abs())
        .collect();
    let max_rel = rel.iter().cloned().fold(0.0, f64::max);
    let same = rel.iter().filter(|&&r| r == 0.0).count();
    eprintln!(
        "conductances: {same} of {} identical, max relative difference {max_rel:.3e}",
        rel.len()
    );
    // the same pulses, the device's traces relaxing over slightly
    // different intervals between them: equal up to rounding
    assert!(max_rel < 1e-12, "{max_rel:.3e}");
    // and every reading went through the AD7606
    assert_eq!(board.array.fe.stats().samples, bus.fe.stats().samples);
    assert_eq!(board.array.adc.conversions, bus.fe.stats().samples);
    assert_eq!(board.leds() & 0b1_1110, 0, "no PHY error");
    let s = board.link_stats();
    eprintln!(
        "ULX3S top at its pins: {} pulses, each {lo}..={hi} cycles after the bus-level one; \
         {} conversions; late strobes {} (bus-level {}); {} frames, {} bytes; {} cycles, {board_s:.1} s",
        delays.len(),
        board.array.adc.conversions,
        got.late_strobes,
        want.late_strobes,
        s.frames,
        s.bytes,
        board.time_cycles()
    );
}

#[test]
fn the_board_top_refuses_a_front_end_at_another_clock() {
    let cfg = E1Config {
        clock_mhz: 100.0,
        ..cfg()
    };
    let Err(e) = BoardTopSim::new(preconditioned_front_end(&cfg).unwrap(), Trace::Off) else {
        panic!("a 100 MHz front-end was taken");
    };
    let e = e.to_string();
    assert!(e.contains("25 MHz") && e.contains("10.000 ns"), "{e}");
}
