//! The accelerator top (`Accelerator<25, 5>`) under seeded random port
//! stimulus: every input port driven independently of what the design
//! expects (config writes to mapped and unmapped addresses with any data,
//! tick and present strobes at any time, front-end responses on any channel
//! at any time, `warp` of any size, resets, debug selects). The golden model,
//! Verilator and rust-hdl's simulator must give identical outputs on every
//! cycle. The E1-driven comparison (`testbenches/tests/accelerator.rs`)
//! covers the protocol the host and the front end keep; this one covers
//! everything else a port can see.

use neuroxbar_cosim::units::accelerator::{GoldenAccel, RustHdlAccel, VerilatorAccel, N_ROWS};
use neuroxbar_cosim::units::{first_mismatch, three_way, CycleModel};
use neuroxbar_cosim::Trace;
use neuroxbar_models::golden::accelerator::{AccelInputs, AccelOutputs};
use neuroxbar_models::golden::fe_bus::FeAnswer;
use neuroxbar_rtl::accel_regs::{register_map, ROW_INTENSITY_BASE};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A value of `bits` bits, log-uniform in magnitude (small values are as
/// likely as large ones, so waits and counters both stay short and wrap).
fn log_uniform(rng: &mut ChaCha8Rng, bits: u32) -> u64 {
    let b = rng.gen_range(0..=bits);
    if b == 0 {
        0
    } else {
        rng.gen::<u64>() >> (64 - b)
    }
}

/// Seeded random port stimulus of `n` cycles. The first two cycles reset.
fn stimulus(seed: u64, n: usize) -> Vec<AccelInputs> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let map = register_map(N_ROWS);
    let mut held = AccelInputs::default();
    let mut out = Vec::with_capacity(n);
    for c in 0..n {
        let mut i = AccelInputs {
            reset: c < 2 || rng.gen_bool(1.0 / 5_000.0),
            tick: rng.gen_bool(0.02),
            present: rng.gen_bool(0.002),
            ..held.clone()
        };
        if rng.gen_bool(0.01) {
            i.spikes_in = rng.gen::<u128>() & ((1u128 << N_ROWS) - 1);
        }
        i.cfg_write = if rng.gen_bool(0.01) {
            let addr = match rng.gen_range(0..10) {
                0 => rng.gen::<u8>(),
                1 => ROW_INTENSITY_BASE + rng.gen_range(0..N_ROWS as u8 + 2),
                _ => map[rng.gen_range(0..map.len())].addr,
            };
            Some((addr, log_uniform(&mut rng, 32) as u32))
        } else {
            None
        };
        if rng.gen_bool(0.05) {
            i.fe.busy = !i.fe.busy;
        }
        i.fe.rd_valid = rng.gen_bool(0.03);
        if i.fe.rd_valid || rng.gen_bool(0.01) {
            i.fe.rd_ch = rng.gen_range(0..=12);
            i.fe.rd_data = rng.gen::<i16>() >> rng.gen_range(0..=15);
            i.fe.rd_sat = rng.gen_bool(0.05);
        }
        i.warp = if rng.gen_bool(0.03) {
            log_uniform(&mut rng, 32) as u32
        } else {
            0
        };
        if rng.gen_bool(0.002) {
            i.debug_sel = rng.gen::<u16>() & 0xfff;
        }
        held = AccelInputs {
            cfg_write: None,
            reset: false,
            tick: false,
            present: false,
            fe: FeAnswer {
                rd_valid: false,
                ..i.fe
            },
            warp: 0,
            ..i.clone()
        };
        out.push(i);
    }
    out
}

/// How many cycles of `outs` show each kind of activity (the stimulus must
/// reach the design's sequencing, not just sit in reset or idle).
fn activity(outs: &[AccelOutputs]) -> [usize; 6] {
    let count = |f: &dyn Fn(&AccelOutputs) -> bool| outs.iter().filter(|o| f(o)).count();
    [
        count(&|o| o.fe.we),
        count(&|o| o.fe.apply),
        count(&|o| o.fe.sample),
        count(&|o| o.spikes_valid),
        count(&|o| o.cfg_error),
        count(&|o| !o.idle),
    ]
}

#[test]
fn golden_verilator_and_rust_hdl_agree_under_random_port_stimulus() {
    // rust-hdl's simulator is the slow one: 100k cycles three ways ...
    let stim = stimulus(11, 100_000);
    let outs = three_way(
        &mut GoldenAccel::default(),
        &mut VerilatorAccel::new(Trace::Off).unwrap(),
        &mut RustHdlAccel::default(),
        &stim,
    );
    let a = activity(&outs);
    println!(
        "three-way activity [fe_we, fe_apply, fe_sample, spikes_valid, cfg_error, busy]: {a:?}"
    );
    assert!(
        a.iter().all(|&n| n > 0),
        "stimulus reaches every kind of activity: {a:?}"
    );
}

#[test]
fn golden_and_verilator_agree_over_a_million_random_cycles() {
    // ... and golden against Verilator over many more, several seeds.
    let mut total = [0usize; 6];
    for seed in 1..=4u64 {
        let stim = stimulus(seed, 250_000);
        let mut g = GoldenAccel::default();
        let mut v = VerilatorAccel::new(Trace::Off).unwrap();
        let mut models: [&mut dyn CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>; 2] =
            [&mut g, &mut v];
        if let Err((cycle, outs)) = first_mismatch(&mut models, stim.iter().cloned()) {
            panic!(
                "seed {seed}, cycle {cycle}: inputs {:?}\n golden    {:?}\n verilator {:?}",
                stim[cycle as usize], outs[0], outs[1]
            );
        }
        let mut g = GoldenAccel::default();
        let outs: Vec<AccelOutputs> = stim.iter().map(|i| g.step(i)).collect();
        for (t, a) in total.iter_mut().zip(activity(&outs)) {
            *t += a;
        }
    }
    println!("activity over 1e6 cycles: {total:?}");
    assert!(total.iter().all(|&n| n > 0), "{total:?}");
}

#[test]
fn a_changed_golden_output_is_caught() {
    // The comparison itself can fail: flip one output bit of the golden model
    // on one busy cycle and the mismatch is reported at that cycle.
    struct Flip(GoldenAccel, u64, u64);
    impl CycleModel for Flip {
        type Inputs = AccelInputs;
        type Outputs = AccelOutputs;
        fn step(&mut self, i: &AccelInputs) -> AccelOutputs {
            let mut o = self.0.step(i);
            if self.1 == self.2 {
                o.fe.code ^= 1;
            }
            self.1 += 1;
            o
        }
    }
    let stim = stimulus(5, 5_000);
    let mut f = Flip(GoldenAccel::default(), 0, 3_000);
    let mut v = VerilatorAccel::new(Trace::Off).unwrap();
    let mut models: [&mut dyn CycleModel<Inputs = AccelInputs, Outputs = AccelOutputs>; 2] =
        [&mut f, &mut v];
    let r = first_mismatch(&mut models, stim);
    assert!(matches!(r, Err((3_000, _))), "{:?}", r.map_err(|e| e.0));
}

/// INPUT_MODE 3 (amplitude code): a tick reads the rows of `spikes_in`, each
/// at its ROW_INTENSITY register as DAC code (clamped into the safe window),
/// the other rows grounded; golden, Verilator and rust-hdl agree.
#[test]
fn amplitude_mode_reads_each_row_at_its_intensity_register() {
    let mut stim = Vec::new();
    let idle = AccelInputs::default();
    for _ in 0..2 {
        stim.push(AccelInputs {
            reset: true,
            ..idle.clone()
        });
    }
    let mask: u128 = 0b1011_0110_0000_0001_0101_1011 & ((1 << N_ROWS) - 1);
    let mut writes = vec![(0x10u8, 3u32), (0x25, 200)]; // INPUT_MODE 3, SAFE_MAX 200 (0.8 V)
    for i in 0..N_ROWS as u8 {
        writes.push((ROW_INTENSITY_BASE + i, 7 * i as u32 + 40));
    }
    for w in writes {
        stim.push(AccelInputs {
            cfg_write: Some(w),
            spikes_in: mask,
            ..idle.clone()
        });
    }
    stim.push(AccelInputs {
        tick: true,
        spikes_in: mask,
        ..idle.clone()
    });
    for _ in 0..60 {
        stim.push(AccelInputs {
            spikes_in: mask,
            ..idle.clone()
        });
    }
    let outs = three_way(
        &mut GoldenAccel::default(),
        &mut VerilatorAccel::new(Trace::Off).unwrap(),
        &mut RustHdlAccel::default(),
        &stim,
    );
    assert!(outs.iter().all(|o| !o.cfg_error));
    let staged: Vec<(u8, u8, i16)> = outs
        .iter()
        .filter(|o| o.fe.we)
        .map(|o| (o.fe.ch, o.fe.mode, o.fe.code))
        .take(N_ROWS)
        .collect();
    assert_eq!(staged.len(), N_ROWS, "one READ staging pass");
    for (i, &(ch, mode, code)) in staged.iter().enumerate() {
        assert_eq!(ch as usize, i);
        if (mask >> i) & 1 == 1 {
            let want = (7 * i as i16 + 40).min(200);
            assert_eq!((mode, code), (1, want), "row {i}");
        } else {
            assert_eq!((mode, code), (0, 0), "row {i} not in spikes_in");
        }
    }
}
