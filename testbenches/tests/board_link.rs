//! The same host program on two back ends: the bus-level co-simulation of
//! the accelerator, and the board core (serial host link + accelerator)
//! driven frame by frame through its UART pins. A reduced E1-style session
//! (configuration, an epoch of the five letters with learning, then a test
//! pass) gives the same spikes and winners at every time step and the same
//! final conductances, to the last bit: the timed commands make the device
//! see the same pulses at the same cycles whatever the link's latency.

use neuroxbar_cosim::board::BoardSim;
use neuroxbar_cosim::cosim::{CoSim, CoSimError, StepResult};
use neuroxbar_cosim::host::{Host, Link};
use neuroxbar_cosim::units::accelerator::VerilatorAccel;
use neuroxbar_cosim::Trace;
use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::frontend::FrontEnd;
use neuroxbar_rtl::accel_regs::ROW_INTENSITY_BASE;
use neuroxbar_testbenches::experiment::fe_params;
use neuroxbar_testbenches::letters_stdp::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn cfg() -> E1Config {
    E1Config {
        tick_s: 200e-6,
        pulse_width_s: 2e-6,
        pulse_interval_s: 2e-6,
        ..E1Config::reduced("ftj-linear", 3, 1)
    }
}

fn front_end(cfg: &E1Config) -> FrontEnd {
    let spec = DeviceSpec::load(DeviceKind::FtjLinear, None).unwrap();
    FrontEnd::from_spec(
        &spec,
        N_ROWS,
        N_COLS,
        fe_params(cfg.clock_mhz).unwrap(),
        cfg.seed,
    )
    .unwrap()
}

/// Per step: (presentation, step, result); then the final conductances.
type Session = (Vec<(usize, usize, StepResult)>, Vec<f64>);

/// The host program: presentations on a fixed schedule of absolute cycles
/// (room for the 25 intensity writes over the serial link, about 1,200
/// cycles each at 8 clocks per bit, between two).
fn session<H: Host>(h: &mut H, cfg: &E1Config) -> Result<Session, CoSimError> {
    let period_s = h.front_end().params().clock_period_s;
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE1);
    initialise_weights(h.front_end(), 0.0, &mut rng).unwrap();
    h.reset()?;
    configure(h, cfg, &fe_params(cfg.clock_mhz).unwrap(), true)?;
    let tick = cfg.tick_cycles(period_s);
    let ticks = cfg.ticks_per_presentation as u64;
    let mut t = 300_000u64;
    let mut steps = Vec::new();
    for p in 0..10 {
        if p == 5 {
            configure(h, cfg, &fe_params(cfg.clock_mhz).unwrap(), false)?;
        }
        let pixels = letter_pixels(p % 5);
        for (i, x) in pixels.iter().enumerate() {
            h.write_reg(ROW_INTENSITY_BASE + i as u8, (x * 255.0).round() as u32)?;
        }
        h.present_at(t)?;
        for k in 0..ticks {
            steps.push((p, k as usize, h.step_at(t + (k + 1) * tick)?));
        }
        t += (ticks + 1) * tick + 150_000;
    }
    h.idle_until(t)?;
    Ok((steps, h.weights_s()?))
}

#[test]
fn a_session_over_the_serial_link_matches_the_bus_level_one_exactly() {
    let cfg = cfg();
    let mut bus = CoSim::new(
        VerilatorAccel::new(Trace::Off).unwrap(),
        front_end(&cfg),
        true,
    )
    .unwrap();
    let want = session(&mut bus, &cfg).unwrap();
    let mut board = BoardSim::new(front_end(&cfg), true, Trace::Off).unwrap();
    let got = session(&mut board, &cfg).unwrap();
    // the session did something: spikes, winners and learning
    assert!(want.0.iter().any(|s| s.2.spikes != 0));
    assert!(want.0.iter().any(|s| s.2.winner.is_some()));
    assert!(bus.fe.stats().apply_pulses > 0);
    assert_eq!(got.0, want.0);
    assert_eq!(got.1, want.1);
    assert_eq!(board.fe.stats().apply_pulses, bus.fe.stats().apply_pulses);
    let s = board.link_stats();
    assert!(s.frames > 300, "{s:?}");
    eprintln!("board link: {s:?}");
}

#[test]
fn the_board_without_warp_gives_the_same_session() {
    let cfg = cfg();
    let mut warped = BoardSim::new(front_end(&cfg), true, Trace::Off).unwrap();
    let a = session(&mut warped, &cfg).unwrap();
    let mut clocked = BoardSim::new(front_end(&cfg), false, Trace::Off).unwrap();
    let b = session(&mut clocked, &cfg).unwrap();
    assert_eq!(a, b);
    assert!(warped.stats().warped_cycles > 0 && clocked.stats().warped_cycles == 0);
}

#[test]
fn a_host_that_falls_behind_its_schedule_is_told_so() {
    let cfg = cfg();
    let mut board = BoardSim::new(front_end(&cfg), true, Trace::Off).unwrap();
    board.idle_until(10_000).unwrap();
    // a step due 100 cycles from now cannot be sent in time over the link
    let now = board.time_cycles();
    let e = board.step_at(now + 100).unwrap_err().to_string();
    assert!(e.contains("late"), "{e}");
    // and one in the past is refused before anything is sent
    let e = board.step_at(5).unwrap_err().to_string();
    assert!(e.contains("fell behind"), "{e}");
}

/// E1's host program, reduced (one epoch of the five letters, the clean
/// test, one noisy pass), through the real serial host at one end of a
/// pseudo-terminal with the board co-simulation behind the other: the
/// spikes and winners of every time step, and the front-end bus events
/// (every staging, pulse and sample, at its cycle), are those of the
/// bus-level co-simulation started at the same cycle.
#[cfg(unix)]
#[test]
fn a_reduced_e1_over_a_pseudo_terminal_gives_the_bus_level_spikes_and_winners() {
    use neuroxbar_cosim::serial::{serve_board, SerialHost};
    use serialport::{SerialPort, TTYPort};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let cfg = E1Config {
        noise_levels: vec![0.5],
        test_repeats: 1,
        ..cfg()
    };
    let (mut board_end, host_end) = TTYPort::pair().unwrap();
    let name = host_end.name().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let (c, s) = (cfg.clone(), stop.clone());
    let server = std::thread::spawn(move || {
        let fe = preconditioned_front_end(&c).unwrap();
        let mut sim = BoardSim::new(fe, true, Trace::Off).unwrap();
        sim.log_events = true;
        let served = serve_board(&mut sim, &mut board_end, &|| s.load(Ordering::SeqCst)).unwrap();
        (served, sim.fe.stats().apply_pulses, sim.events.clone())
    });
    let port = serialport::new(&name, 115_200).open().unwrap();
    let mut host = SerialHost::connect(
        port,
        &name,
        115_200,
        cfg.clock_mhz,
        std::time::Duration::from_secs(60),
    )
    .unwrap();
    let start = host.time_cycles();
    assert!(start > 0, "connecting took the STATUS round trip");
    let params = fe_params(cfg.clock_mhz).unwrap();
    let program = |link: &mut dyn FnMut(&mut ChaCha8Rng) -> E1Session| {
        let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0xE1);
        let _ = initial_pulse_counts(&mut rng);
        link(&mut rng)
    };
    let got = program(&mut |rng| {
        host_program(&mut host, &cfg, &params, rng, &mut |_, _| {}, &mut |_| {
            Ok(())
        })
        .unwrap()
    });
    stop.store(true, Ordering::SeqCst);
    let (served, board_pulses, board_events) = server.join().unwrap();
    drop(host_end);
    let mut bus = CoSim::new(
        VerilatorAccel::new(Trace::Off).unwrap(),
        preconditioned_front_end(&cfg).unwrap(),
        true,
    )
    .unwrap();
    bus.log_events = true;
    bus.idle_until(start).unwrap();
    let want = program(&mut |rng| {
        host_program(
            &mut bus,
            &cfg,
            &params,
            rng,
            &mut |_, _| {},
            &mut |_| Ok(()),
        )
        .unwrap()
    });
    // the run did something: spikes, winners, learning
    assert_eq!(want.steps.len(), 15 * cfg.ticks_per_presentation);
    assert!(want.steps.iter().any(|s| s.spikes != 0));
    assert!(want.training_winners.iter().any(|w| w.2.is_some()));
    assert!(bus.fe.stats().apply_pulses > 0);
    assert_eq!((got.late_strobes, want.late_strobes), (0, 0));
    assert_eq!(got.steps, want.steps);
    assert_eq!(got.training_winners, want.training_winners);
    assert_eq!(got.letter_winner, want.letter_winner);
    assert_eq!(got.recognition_vs_noise, want.recognition_vs_noise);
    assert_eq!(board_pulses, bus.fe.stats().apply_pulses);
    // the device saw the same pulses at the same cycles
    assert!(
        board_events.len() > 1000,
        "{} bus events",
        board_events.len()
    );
    assert_eq!(board_events, bus.events);
    assert!(served > 15 * 32, "{served} requests served");
}
