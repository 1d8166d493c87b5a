//! Pulse generator (`PulseGenerator`): Verilator, rust-hdl `simulate()` and
//! the golden model agree every cycle; pulse width, interval and count are
//! exact in cycles (with and without time warp); the amplitude never leaves
//! the safe window.

use neuroxbar_cosim::units::pulse_gen::*;
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_cosim::Trace;
use neuroxbar_models::golden::pulse_gen::{PulseInputs, PulseOutputs};

/// The three back ends, stepped together.
struct ThreeWay {
    vl: VerilatorPulseGen,
    hdl: RustHdlPulseGen,
    gold: GoldenPulseGen,
    cycle: u64,
}

impl ThreeWay {
    fn new() -> Self {
        Self {
            vl: VerilatorPulseGen::new(Trace::Off).unwrap(),
            hdl: RustHdlPulseGen::default(),
            gold: GoldenPulseGen::default(),
            cycle: 0,
        }
    }

    fn step(&mut self, inp: &PulseInputs) -> PulseOutputs {
        let g = self.gold.step(inp);
        let v = self.vl.step(inp);
        let h = self.hdl.step(inp);
        assert!(
            g == v && g == h,
            "cycle {}: inputs {inp:?}\n golden   {g:?}\n verilator {v:?}\n rust-hdl {h:?}",
            self.cycle
        );
        self.cycle += 1;
        g
    }

    fn run(&mut self, stimulus: &[PulseInputs]) -> Vec<PulseOutputs> {
        stimulus.iter().map(|i| self.step(i)).collect()
    }
}

fn base() -> PulseInputs {
    PulseInputs {
        amplitude: 750,
        width: 2,
        interval: 3,
        count: 3,
        safe_max: 1250,
        safe_min: -1250,
        ..Default::default()
    }
}

/// Reset, then `start` with `inp`, then `idle` more cycles with `start` low.
fn train(inp: PulseInputs, idle: usize) -> Vec<PulseInputs> {
    let mut s = vec![
        PulseInputs { reset: true, ..inp },
        PulseInputs { start: true, ..inp },
    ];
    s.extend(std::iter::repeat_n(inp, idle));
    s
}

/// Lengths of the runs of consecutive cycles where `f` holds.
fn runs(outs: &[PulseOutputs], f: impl Fn(&PulseOutputs) -> bool) -> Vec<usize> {
    let mut v = Vec::new();
    let mut n = 0;
    for o in outs {
        if f(o) {
            n += 1;
        } else if n > 0 {
            v.push(n);
            n = 0;
        }
    }
    if n > 0 {
        v.push(n);
    }
    v
}

#[test]
fn random_stimulus_lockstep_with_warp() {
    const CYCLES: u64 = 150_000;
    let mut m = ThreeWay::new();
    let mut stim = PulseStimulus::new(0x5eed_0007);
    let mut last = PulseOutputs::default();
    let (mut warped, mut pulses, mut clamps, mut dones) = (0u64, 0u64, 0u64, 0u64);
    for _ in 0..CYCLES {
        let inp = stim.next(&last);
        if inp.warp > 0 {
            warped += 1;
        }
        last = m.step(&inp);
        pulses += last.pulse as u64;
        clamps += last.clamped as u64;
        dones += last.done as u64;
    }
    // the stimulus reaches every feature
    assert!(warped > 1_000, "warped cycles: {warped}");
    assert!(pulses > 1_000, "pulses: {pulses}");
    assert!(clamps > 100, "clamped starts: {clamps}");
    assert!(dones > 1_000, "trains done: {dones}");
}

/// 20 ns pulses (2 cycles), 3 cycles apart, 3 of them.
#[test]
fn two_cycle_pulses_width_interval_count_exact() {
    let outs = ThreeWay::new().run(&train(base(), 30));
    let outs = &outs[1..]; // after reset
    assert_eq!(runs(outs, |o| o.apply), vec![2, 2, 2], "pulse widths");
    // gaps between pulses
    let first = outs.iter().position(|o| o.apply).unwrap();
    let last = outs.iter().rposition(|o| o.apply).unwrap();
    assert_eq!(
        runs(&outs[first..=last], |o| !o.apply),
        vec![3, 3],
        "intervals"
    );
    assert_eq!(first, 0, "the first pulse starts at the start edge");
    assert_eq!(outs.iter().filter(|o| o.pulse).count(), 3);
    // `pulse` marks each rising edge of `apply`
    for (k, o) in outs.iter().enumerate() {
        let rising = o.apply && (k == 0 || !outs[k - 1].apply);
        assert_eq!(o.pulse, rising, "cycle {k}");
    }
    // `done` once, in the cycle `apply` falls for the last time; busy until then
    let done: Vec<usize> = (0..outs.len()).filter(|&k| outs[k].done).collect();
    assert_eq!(done, vec![last + 1]);
    assert!(outs[..=last].iter().all(|o| o.busy));
    assert!(outs[last + 1..].iter().all(|o| !o.busy && !o.apply));
    assert_eq!(outs[0].amplitude_out, 750);
}

#[test]
fn other_widths_intervals_and_counts() {
    for (w, i, c) in [
        (1u32, 1u32, 1u8),
        (5, 1, 4),
        (1, 7, 5),
        (13, 4, 2),
        (0, 0, 3),
    ] {
        let outs = ThreeWay::new().run(&train(
            PulseInputs {
                width: w,
                interval: i,
                count: c,
                ..base()
            },
            (c as usize) * (w.max(1) + i.max(1)) as usize + 5,
        ));
        let outs = &outs[1..];
        assert_eq!(
            runs(outs, |o| o.apply),
            vec![w.max(1) as usize; c as usize],
            "w {w} i {i} c {c}"
        );
        let first = outs.iter().position(|o| o.apply).unwrap();
        let last = outs.iter().rposition(|o| o.apply).unwrap();
        // adjacent pulses with interval 1 are separated by one low cycle
        assert_eq!(
            runs(&outs[first..=last], |o| !o.apply),
            vec![i.max(1) as usize; c as usize - 1],
            "w {w} i {i} c {c}"
        );
        assert_eq!(outs.iter().filter(|o| o.done).count(), 1);
    }
}

#[test]
fn count_zero_gives_done_and_no_pulse() {
    let outs = ThreeWay::new().run(&train(PulseInputs { count: 0, ..base() }, 5));
    let outs = &outs[1..];
    assert!(outs.iter().all(|o| !o.apply && !o.busy && !o.pulse));
    assert!(outs[0].done && outs.iter().filter(|o| o.done).count() == 1);
}

#[test]
fn start_while_busy_is_ignored() {
    let mut s = train(base(), 0);
    for k in 0..30 {
        s.push(PulseInputs {
            start: k == 3,
            amplitude: 2000,
            ..base()
        });
    }
    let outs = ThreeWay::new().run(&s);
    assert_eq!(runs(&outs, |o| o.apply), vec![2, 2, 2]);
    assert!(
        outs.iter().all(|o| !o.clamped),
        "the ignored start is not checked"
    );
}

/// Simulated cycles of a closed-loop run: every cycle counts `1 + warp`.
/// Returns the simulated duration of each apply-high run and of each gap.
fn warped_train(inp: PulseInputs, warp: bool, three_way: bool) -> (Vec<u64>, Vec<u64>, u64) {
    let mut m3 = three_way.then(ThreeWay::new);
    let mut g = GoldenPulseGen::default();
    let mut step = |i: &PulseInputs| match m3.as_mut() {
        Some(m) => m.step(i),
        None => g.step(i),
    };
    step(&PulseInputs { reset: true, ..inp });
    let mut last = step(&PulseInputs { start: true, ..inp });
    let (mut highs, mut lows) = (Vec::new(), Vec::new());
    let mut t_edge = 0u64; // simulated time of the last apply edge
    let mut t = 0u64;
    let mut clocked = 1u64;
    while last.busy {
        let k = if warp && last.wait_left > 1 {
            last.wait_left - 1
        } else {
            0
        };
        let o = step(&PulseInputs { warp: k, ..inp });
        clocked += 1;
        t += 1 + k as u64;
        if o.apply != last.apply {
            if last.apply {
                highs.push(t - t_edge);
            } else {
                lows.push(t - t_edge);
            }
            t_edge = t;
        }
        last = o;
    }
    (highs, lows, clocked)
}

/// A 100 ms pulse (10^7 cycles at 100 MHz): warped through in a few clocked
/// cycles on all three back ends, the same simulated durations as clocking
/// every cycle (golden model).
#[test]
fn ten_million_cycle_width_warped_and_plain() {
    let inp = PulseInputs {
        width: 10_000_000,
        interval: 2_500_000,
        count: 2,
        ..base()
    };
    let (highs, lows, clocked) = warped_train(inp, true, true);
    assert_eq!(highs, vec![10_000_000, 10_000_000]);
    assert_eq!(lows, vec![2_500_000]);
    assert!(clocked <= 8, "clocked {clocked} cycles with warp");
    let (highs_p, lows_p, clocked_p) = warped_train(inp, false, false);
    assert_eq!((highs_p, lows_p), (highs, lows));
    assert_eq!(clocked_p, 22_500_001);
    // the largest width
    let inp = PulseInputs {
        width: (1 << 24) - 1,
        count: 1,
        ..base()
    };
    assert_eq!(warped_train(inp, true, true).0, vec![(1 << 24) - 1]);
}

#[test]
fn amplitude_is_clamped_into_the_safe_window_with_a_flag() {
    // (amplitude, safe_min, safe_max) -> expected amplitude_out, flag, pulses
    let cases = [
        (750i16, -1250i16, 1250i16, 750i16, false, 3usize),
        (2000, -1250, 1250, 1250, true, 3),
        (-2048, -1250, 1250, -1250, true, 3),
        (1250, -1250, 1250, 1250, false, 3),
        (-1251, -1250, 1250, -1250, true, 3),
        (2047, -2048, 2047, 2047, false, 3),
        (100, 200, 300, 200, true, 3),
        // empty window: no amplitude is safe, nothing is applied
        (100, 300, 200, 0, true, 0),
    ];
    for (a, lo, hi, want, flag, pulses) in cases {
        let outs = ThreeWay::new().run(&train(
            PulseInputs {
                amplitude: a,
                safe_min: lo,
                safe_max: hi,
                ..base()
            },
            20,
        ));
        let outs = &outs[1..];
        assert!(
            outs.iter().all(|o| o.amplitude_out == want),
            "{a} in [{lo}, {hi}]"
        );
        if lo <= hi {
            assert!(outs
                .iter()
                .all(|o| o.amplitude_out >= lo && o.amplitude_out <= hi));
        }
        let flags: Vec<usize> = (0..outs.len()).filter(|&k| outs[k].clamped).collect();
        assert_eq!(
            flags,
            if flag { vec![0] } else { vec![] },
            "{a} in [{lo}, {hi}]"
        );
        assert_eq!(outs.iter().filter(|o| o.pulse).count(), pulses);
        assert_eq!(outs.iter().filter(|o| o.done).count(), 1);
    }
}

#[test]
fn reset_stops_a_train() {
    let mut s = train(base(), 3);
    s.push(PulseInputs {
        reset: true,
        ..base()
    });
    s.extend(std::iter::repeat_n(base(), 10));
    let outs = ThreeWay::new().run(&s);
    assert!(outs[5..].iter().all(|o| !o.apply && !o.busy && !o.done));
}

/// Three 2-cycle pulses 3 cycles apart, then a clamped 1-pulse train of
/// width 4 with a warp of 2 in its first cycle.
#[test]
fn waveform_snapshot() {
    use neuroxbar_cosim::wave::{RenderOptions, Waveform};
    let mut s = train(base(), 14);
    s.push(PulseInputs {
        start: true,
        amplitude: 2000,
        width: 4,
        count: 1,
        ..base()
    });
    s.push(PulseInputs {
        amplitude: 2000,
        width: 4,
        count: 1,
        warp: 2,
        ..base()
    });
    s.extend(std::iter::repeat_n(base(), 3));
    let outs = ThreeWay::new().run(&s);
    let col = |f: &dyn Fn(&PulseOutputs) -> u64| outs.iter().map(f).collect::<Vec<u64>>();
    let rows = vec![
        (
            "start".to_string(),
            1u32,
            s.iter().map(|i| i.start as u64).collect::<Vec<_>>(),
        ),
        (
            "warp".to_string(),
            4,
            s.iter().map(|i| i.warp as u64).collect(),
        ),
        ("apply".to_string(), 1, col(&|o| o.apply as u64)),
        ("pulse".to_string(), 1, col(&|o| o.pulse as u64)),
        ("busy".to_string(), 1, col(&|o| o.busy as u64)),
        ("done".to_string(), 1, col(&|o| o.done as u64)),
        ("clamped".to_string(), 1, col(&|o| o.clamped as u64)),
        ("wait_left".to_string(), 4, col(&|o| o.wait_left as u64)),
        (
            "amplitude".to_string(),
            12,
            col(&|o| o.amplitude_out as u16 as u64 & 0xFFF),
        ),
    ];
    insta::assert_snapshot!(Waveform::from_cycles(&rows).render(&RenderOptions::default()));
}
