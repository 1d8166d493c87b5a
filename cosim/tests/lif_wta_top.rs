//! Neuron core (`LifWtaTop<16>`): Verilator, rust-hdl `simulate()` and the
//! golden model agree on every output, every cycle.

use neuroxbar_cosim::units::lif_wta_top::{
    random_stimulus, GoldenLifWta, RustHdlLifWta, VerilatorLifWta, N,
};
use neuroxbar_cosim::units::{first_mismatch, CycleModel};
use neuroxbar_cosim::Trace;
use neuroxbar_models::golden::lif::LIF_LATENCY;
use neuroxbar_models::golden::lif_wta_top::{TopInputs, TopOutputs, REGISTERS};
use neuroxbar_rtl::lif_wta_top::NEURON_REGISTERS;

fn three_way(stimulus: Vec<TopInputs>) -> (u64, Vec<TopOutputs>) {
    let mut vl = VerilatorLifWta::new(Trace::Off).unwrap();
    let mut hdl = RustHdlLifWta::default();
    let mut gold = GoldenLifWta::default();
    // keep the golden outputs so directed tests can assert behaviour
    let mut outs = Vec::with_capacity(stimulus.len());
    let mut rec = Recorder {
        inner: &mut gold,
        outs: &mut outs,
    };
    let n = first_mismatch(&mut [&mut rec, &mut vl, &mut hdl], stimulus).unwrap_or_else(|(c, o)| {
        panic!("back ends disagree at cycle {c}:\n golden    {:?}\n verilator {:?}\n rust-hdl  {:?}", o[0], o[1], o[2])
    });
    (n, outs)
}

struct Recorder<'a> {
    inner: &'a mut GoldenLifWta,
    outs: &'a mut Vec<TopOutputs>,
}

impl CycleModel for Recorder<'_> {
    type Inputs = TopInputs;
    type Outputs = TopOutputs;
    fn step(&mut self, i: &TopInputs) -> TopOutputs {
        let o = self.inner.step(i);
        self.outs.push(o.clone());
        o
    }
}

fn idle() -> TopInputs {
    TopInputs {
        reset: false,
        tick: false,
        wta_clear: false,
        i_in: vec![0; N],
        cfg_write: None,
    }
}

fn reset_cycles() -> Vec<TopInputs> {
    vec![
        TopInputs {
            reset: true,
            ..idle()
        };
        2
    ]
}

fn write(addr: u8, data: u32) -> TopInputs {
    TopInputs {
        cfg_write: Some((addr, data)),
        ..idle()
    }
}

fn tick(i_in: Vec<i16>) -> TopInputs {
    TopInputs {
        tick: true,
        i_in,
        ..idle()
    }
}

/// One time step at the closest spacing the layer takes: a tick, then
/// `LIF_LATENCY - 1` idle cycles.
fn step(s: &mut Vec<TopInputs>, i_in: Vec<i16>) {
    s.push(tick(i_in));
    for _ in 1..LIF_LATENCY {
        s.push(idle());
    }
}

/// The golden models' register tables (neuron core, accelerator) against
/// the RTL's, name by name.
#[test]
fn register_maps_agree() {
    use neuroxbar_models::golden::accelerator::ACCEL_REGISTERS;
    use neuroxbar_rtl::accel_regs::ACCEL_REGISTERS as RTL_ACCEL;
    for (rtl, golden) in [
        (&NEURON_REGISTERS[..], &REGISTERS[..]),
        (&RTL_ACCEL[..], &ACCEL_REGISTERS[..]),
    ] {
        assert_eq!(rtl.len(), golden.len());
        for (r, g) in rtl.iter().zip(golden) {
            assert_eq!(
                (r.name, r.addr, r.bits as u32, r.signed, r.reset_value()),
                (g.name, g.addr, g.bits, g.signed, g.reset),
                "register {}",
                r.name
            );
        }
    }
}

/// The golden models' address constants (`reg::THRESHOLD`, ...) are the
/// addresses of the same names in the RTL's table, one for each register.
#[test]
fn register_address_constants_agree() {
    use neuroxbar_models::golden::{accelerator, lif_wta_top};
    use neuroxbar_rtl::accel_regs::{register_map, ROW_INTENSITY_BASE};
    let consts: Vec<(&str, u8)> = lif_wta_top::reg::ALL
        .iter()
        .chain(accelerator::reg::ALL)
        .copied()
        .collect();
    let map = register_map(0);
    assert_eq!(consts.len(), map.len());
    for r in &map {
        let c = consts.iter().find(|(n, _)| *n == r.name).map(|c| c.1);
        assert_eq!(c, Some(r.addr), "reg::{}", r.name);
    }
    assert_eq!(accelerator::reg::ROW_INTENSITY_BASE, ROW_INTENSITY_BASE);
}

#[test]
fn random_stimulus_100k_cycles_lockstep() {
    let stim: Vec<_> = random_stimulus(0x5eed_0001, 100_000).collect();
    let (n, outs) = three_way(stim);
    assert_eq!(n, 100_000);
    // the stimulus must actually exercise the design
    let spikes: u32 = outs.iter().map(|o| o.spikes.count_ones()).sum();
    let winners = outs.iter().filter(|o| o.winner_valid).count();
    let saturated = outs.iter().filter(|o| o.saturated).count();
    let inhibited = outs.iter().filter(|o| o.inhibit != 0).count();
    let cfg_errors = outs.iter().filter(|o| o.cfg_error).count();
    assert!(spikes > 1000, "only {spikes} spikes");
    assert!(
        winners > 1000 && inhibited > 1000,
        "winners {winners}, inhibited cycles {inhibited}"
    );
    assert!(saturated > 10, "saturation exercised {saturated} times");
    assert!(
        cfg_errors > 10,
        "config errors exercised {cfg_errors} times"
    );
}

#[test]
fn directed_saturation() {
    let mut s = reset_cycles();
    s.push(write(0x05, 0xFFFF)); // gain 255.996
    s.push(write(0x01, 0x7F_FFFF)); // threshold at the top of the range: reached only by saturating
    s.push(write(0x00, 0)); // no inhibition
    for _ in 0..4 {
        let mut i = vec![i16::MAX; N];
        i[1] = i16::MIN;
        step(&mut s, i);
    }
    let (_, outs) = three_way(s);
    let last = outs.last().unwrap();
    assert_eq!(
        last.v_mem[1],
        -(1 << 23),
        "negative saturation holds at the minimum"
    );
    assert!(
        outs.iter().any(|o| o.spikes & 1 == 1),
        "neuron 0 saturates at the maximum = threshold"
    );
    assert_eq!(
        outs.iter().filter(|o| o.saturated).count(),
        4,
        "every tick saturates"
    );
}

#[test]
fn directed_refractory() {
    let mut s = reset_cycles();
    s.push(write(0x00, 0)); // no inhibition
    s.push(write(0x06, 3)); // 3 refractory ticks
    s.push(write(0x01, 100 << 8)); // threshold 100 codes
    for _ in 0..10 {
        step(&mut s, vec![200; N]); // crosses on every tick it integrates
    }
    let (_, outs) = three_way(s);
    let spike_cycles: Vec<usize> = outs
        .iter()
        .enumerate()
        .filter(|(_, o)| o.spikes & 1 == 1)
        .map(|(c, _)| c)
        .collect();
    // spikes every 4th tick: fire, then sit out 3 ticks (a tick every
    // LIF_LATENCY cycles, the closest the layer takes them)
    let gaps: Vec<usize> = spike_cycles.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(spike_cycles.len() >= 3, "{spike_cycles:?}");
    assert!(
        gaps.iter().all(|&g| g == 4 * LIF_LATENCY),
        "ticks every {LIF_LATENCY} cycles, refractory 3 -> a spike every 4 ticks: {gaps:?}"
    );
}

#[test]
fn directed_ties_pick_lowest_index() {
    for mode in [0u32, 2u32] {
        let mut s = reset_cycles();
        s.push(write(0x00, 1 | mode)); // inhibition on, mode
        s.push(write(0x01, 100 << 8));
        let mut i = vec![0i16; N];
        for j in [3, 7, 12] {
            i[j] = 150; // identical: a three-way tie
        }
        s.push(tick(i.clone()));
        for _ in 0..=LIF_LATENCY {
            s.push(idle());
        }
        let (_, outs) = three_way(s);
        let w = outs.iter().find(|o| o.winner_valid).expect("a winner");
        assert_eq!(w.winner, 3, "mode {mode}");
        assert_eq!(w.inhibit, !(1u64 << 3) & 0xFFFF, "losers inhibited");
    }
}

#[test]
fn max_membrane_mode_prefers_the_largest() {
    let mut s = reset_cycles();
    s.push(write(0x00, 1 | 2)); // max-membrane
    s.push(write(0x01, 100 << 8));
    let mut i = vec![0i16; N];
    i[2] = 120;
    i[9] = 300;
    i[5] = 200;
    s.push(tick(i.clone()));
    for _ in 0..=LIF_LATENCY {
        s.push(idle());
    }
    let (_, outs) = three_way(s.clone());
    assert_eq!(outs.iter().find(|o| o.winner_valid).unwrap().winner, 9);
    // first-to-cross picks the lowest index among the same spikes
    s[2] = write(0x00, 1);
    let (_, outs) = three_way(s);
    assert_eq!(outs.iter().find(|o| o.winner_valid).unwrap().winner, 2);
}

/// A short directed stimulus, rendered as a text waveform from the Verilator
/// run (the three back ends are checked equal on the way): four neurons with
/// different drives race to threshold; the first to cross wins and inhibits
/// the others until the next presentation.
#[test]
fn waveform_snapshot() {
    use neuroxbar_cosim::wave::{RenderOptions, Waveform};
    let mut s = reset_cycles();
    s.push(write(0x01, 40 << 8)); // threshold 40 codes
    s.push(write(0x03, 2)); // leak v >>> 2
    s.push(write(0x06, 1)); // 1 refractory tick
    for k in 0..12 {
        let mut i = vec![0i16; N];
        i[0] = 9;
        i[1] = 14;
        i[2] = 11;
        i[3] = if k < 6 { 4 } else { 30 };
        step(&mut s, i);
        if k == 7 {
            s.push(TopInputs {
                wta_clear: true,
                ..idle()
            });
        }
    }
    let inputs = s.clone();
    let (_, outs) = three_way(s);
    let col = |f: &dyn Fn(&TopInputs, &TopOutputs) -> u64| -> Vec<u64> {
        inputs.iter().zip(&outs).map(|(i, o)| f(i, o)).collect()
    };
    let mut rows: Vec<(String, u32, Vec<u64>)> = vec![
        ("tick".into(), 1, col(&|i, _| i.tick as u64)),
        ("wta_clear".into(), 1, col(&|i, _| i.wta_clear as u64)),
    ];
    for j in 0..4 {
        rows.push((format!("i_in{j}"), 16, col(&|i, _| i.i_in[j] as u16 as u64)));
    }
    for j in 0..4 {
        // membrane in whole current codes (Q16.8 >> 8) keeps the boxes narrow
        rows.push((
            format!("v_mem{j}"),
            16,
            col(&|_, o| (o.v_mem[j] >> 8) as u16 as u64),
        ));
    }
    rows.push(("spikes".into(), 4, col(&|_, o| o.spikes & 0xF)));
    rows.push(("winner_valid".into(), 1, col(&|_, o| o.winner_valid as u64)));
    rows.push(("winner".into(), 4, col(&|_, o| o.winner as u64)));
    rows.push(("inhibit".into(), 4, col(&|_, o| o.inhibit & 0xF)));
    let wave = Waveform::from_cycles(&rows);
    let text = wave.render(&RenderOptions {
        from: Some(5),
        ..Default::default()
    });
    insta::assert_snapshot!(text);
}

#[test]
fn homeostasis_raises_the_threshold_of_a_winner() {
    let mut s = reset_cycles();
    s.push(write(0x00, 0)); // no inhibition
    s.push(write(0x01, 50 << 8)); // threshold 50 codes
    s.push(write(0x06, 0)); // no refractory period
    s.push(write(0x07, 20 << 8)); // +20 codes per spike
    s.push(write(0x08, 3)); // adapt decays by 1/8 per tick
    for _ in 0..40 {
        let mut i = vec![0i16; N];
        i[0] = 60; // fires every tick without homeostasis
        step(&mut s, i);
    }
    let (_, outs) = three_way(s);
    let spikes: usize = outs.iter().filter(|o| o.spikes & 1 == 1).count();
    let last = outs.last().unwrap();
    assert!(last.theta_adapt[0] > 0, "adaptation builds up");
    assert!(
        spikes < 30,
        "homeostasis slows a neuron that fired on all 40 ticks: {spikes}"
    );
    assert!(spikes > 5, "but does not silence it: {spikes}");
}

/// A tick is taken only when none is in flight: ticks in the
/// `LIF_LATENCY - 1` cycles after an accepted one are ignored (the membrane
/// is not updated yet), so `LIF_LATENCY + 1` ticks in a row integrate
/// twice, `LIF_LATENCY` cycles apart.
#[test]
fn ticks_in_flight_are_ignored() {
    let mut s = reset_cycles();
    s.push(write(0x00, 0)); // no inhibition
    s.push(write(0x03, 31)); // leak v >>> 31: none for a positive membrane
    let first = s.len();
    for _ in 0..=LIF_LATENCY {
        s.push(tick(vec![10; N])); // 10 codes per update, threshold 64
    }
    for _ in 0..=LIF_LATENCY {
        s.push(idle());
    }
    let (_, outs) = three_way(s);
    assert_eq!(outs.last().unwrap().v_mem[0], 20 << 8, "two updates");
    let valid: Vec<usize> = (0..outs.len()).filter(|&c| outs[c].spikes_valid).collect();
    // outputs after the edge of tick cycle + LIF_LATENCY - 1, for the
    // ticks at first and first + LIF_LATENCY
    let l = LIF_LATENCY;
    assert_eq!(valid, vec![first + l - 1, first + 2 * l - 1]);
}

/// Updates on which every neuron fired, out of 6 ticks with `i_in` to all
/// neurons at the maximum gain (the drive saturates), no inhibition (every
/// spike is a win) and no refractory period.
fn full_volleys(threshold: i32, reset_v: i32, i_in: i16, theta_plus: u32) -> usize {
    let mut s = reset_cycles();
    s.push(write(0x00, 0));
    s.push(write(0x01, threshold as u32));
    s.push(write(0x02, reset_v as u32));
    s.push(write(0x05, 0xFFFF));
    s.push(write(0x06, 0));
    s.push(write(0x07, theta_plus));
    for _ in 0..6 {
        step(&mut s, vec![i_in; N]);
    }
    s.push(idle());
    let (_, outs) = three_way(s);
    assert!(outs.iter().any(|o| o.saturated));
    let all = (1u64 << N) - 1;
    outs.iter()
        .filter(|o| o.spikes_valid && o.spikes == all)
        .count()
}

/// The bottom of the threshold compare: with threshold and reset_v at the
/// minimum (and no adaptation), the membrane sum falls below the range and
/// clamps to the minimum, which reaches the threshold: every neuron fires
/// on every update.
#[test]
fn membrane_clamped_at_the_bottom_reaches_the_lowest_threshold() {
    assert_eq!(full_volleys(-(1 << 23), -(1 << 23), i16::MIN, 0), 6);
}

/// The top: with the threshold at the maximum, the adaptation after a
/// spike saturates `threshold + adapt` at the maximum, which the membrane
/// clamped at the maximum (drive at the maximum) still reaches.
#[test]
fn membrane_clamped_at_the_top_reaches_a_saturated_threshold() {
    assert_eq!(full_volleys((1 << 23) - 1, 0, i16::MAX, 100 << 8), 6);
}

/// Max-membrane winner-take-all with every membrane clamped at the top:
/// the pre-reset margin `sat(v1 - adapt)` is then `MAX - adapt`, so the
/// neuron with the least adaptation wins, and homeostasis passes the win
/// from neuron to neuron (ties go to the lowest index).
#[test]
fn clamped_margins_rotate_the_max_membrane_winner() {
    let mut s = reset_cycles();
    s.push(write(0x00, 0b011)); // WTA on, max-membrane
    s.push(write(0x01, 0)); // threshold 0: every neuron fires
    s.push(write(0x02, 0x7F_FFFF)); // reset_v at the top: the sum saturates
    s.push(write(0x05, 0xFFFF));
    s.push(write(0x06, 0));
    s.push(write(0x07, 100 << 8));
    let steps = N + 4;
    for _ in 0..steps {
        s.push(tick(vec![i16::MAX; N]));
        for _ in 0..=LIF_LATENCY {
            s.push(idle());
        }
        s.push(TopInputs {
            wta_clear: true,
            ..idle()
        });
        s.push(idle());
    }
    let (_, outs) = three_way(s);
    let mut winners = Vec::new();
    for c in 1..outs.len() {
        if outs[c].winner_valid && !outs[c - 1].winner_valid {
            winners.push(outs[c].winner as usize);
        }
    }
    let expected: Vec<usize> = (0..steps).map(|k| k % N).collect();
    assert_eq!(winners, expected);
}

/// A saturated threshold is reached only by a membrane at the maximum: a
/// membrane of -1 LSB (whose low 23 bits are all ones, like the maximum's)
/// stays below it.
#[test]
fn a_negative_membrane_stays_below_a_saturated_threshold() {
    let mut s = reset_cycles();
    s.push(write(0x00, 0));
    s.push(write(0x01, (1 << 23) - 1)); // threshold at the maximum
    s.push(write(0x05, 0xFFFF)); // the drive saturates: v1 = MAX, a spike
    s.push(write(0x06, 0));
    s.push(write(0x07, 100 << 8)); // ... whose win saturates theta
    step(&mut s, vec![i16::MAX; N]);
    s.push(write(0x05, 1)); // gain 2^-8: i_in = -1 gives v1 = -1 LSB
    s.push(tick(vec![-1; N]));
    for _ in 0..=LIF_LATENCY {
        s.push(idle());
    }
    let (_, outs) = three_way(s);
    let volleys: Vec<u64> = outs
        .iter()
        .filter(|o| o.spikes_valid)
        .map(|o| o.spikes)
        .collect();
    assert_eq!(volleys, vec![(1u64 << N) - 1, 0]);
    assert!(outs.last().unwrap().v_mem.iter().all(|&v| v == -1));
    assert!(outs
        .last()
        .unwrap()
        .theta_adapt
        .iter()
        .all(|&a| a == 100 << 8));
}
