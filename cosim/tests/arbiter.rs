//! Command arbiter (`CommandArbiter`): Verilator, rust-hdl `simulate()` and
//! the golden model agree every cycle; refresh wins, and with producers that
//! hold their commands until taken nothing is lost, duplicated or reordered.

use neuroxbar_cosim::units::arbiter::*;
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_cosim::Trace;
use neuroxbar_models::golden::arbiter::{ArbiterInputs, ArbiterOutputs};
use neuroxbar_models::golden::stdp::Command;
use std::collections::VecDeque;

struct ThreeWay {
    vl: VerilatorArbiter,
    hdl: RustHdlArbiter,
    gold: GoldenArbiter,
    cycle: usize,
}

impl ThreeWay {
    fn new() -> Self {
        Self {
            vl: VerilatorArbiter::new(Trace::Off).unwrap(),
            hdl: RustHdlArbiter::default(),
            gold: GoldenArbiter::default(),
            cycle: 0,
        }
    }
    fn step(&mut self, inp: &ArbiterInputs) -> ArbiterOutputs {
        let g = self.gold.step(inp);
        let v = self.vl.step(inp);
        let h = self.hdl.step(inp);
        assert!(
            g == v && g == h,
            "cycle {}, inputs {inp:?}:\n golden    {g:?}\n verilator {v:?}\n rust-hdl  {h:?}",
            self.cycle
        );
        self.cycle += 1;
        g
    }
}

#[test]
fn random_stimulus_100k_cycles_lockstep() {
    let mut m = ThreeWay::new();
    let mut grants = [0usize; 3];
    let mut held = 0;
    for inp in random_stimulus(0x5eed_a4b1, 100_000) {
        let o = m.step(&inp);
        for (k, g) in grants.iter_mut().enumerate() {
            *g += (o.grant >> k & 1) as usize;
        }
        held += o.cmd_valid as usize;
    }
    println!("grants {grants:?}, {held} cycles holding a command");
    assert!(grants.iter().all(|&g| g > 2_000), "{grants:?}");
}

/// Closed loop: three producers with queues of random commands offer their
/// head until the arbiter takes it (its registered `grant`), the controller
/// side takes commands with random back-pressure.
#[test]
fn closed_loop_nothing_lost_or_duplicated_refresh_first() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut m = ThreeWay::new();
    let mut queues: [VecDeque<Command>; 3] = Default::default();
    let mut sent: [Vec<Command>; 3] = Default::default();
    let mut got: [Vec<Command>; 3] = Default::default();
    let mut prev: Option<ArbiterOutputs> = None;
    let mut refresh_waited = 0;
    let cycles = 30_000;
    for c in 0..cycles {
        // producers refill in bursts (not in the last cycles, to drain)
        for (k, q) in queues.iter_mut().enumerate() {
            if c < cycles - 2_000 && rng.gen_ratio([1, 3, 2][k], 40) {
                for _ in 0..rng.gen_range(1..6) {
                    let cmd = random_command(&mut rng, k);
                    q.push_back(cmd);
                    sent[k].push(cmd);
                }
            }
        }
        let inp = ArbiterInputs {
            reset: c < 2,
            offers: std::array::from_fn(|k| queues[k].front().copied()),
            cmd_ready: rng.gen_ratio(1, 2),
        };
        let o = m.step(&inp);
        // downstream transfer: valid before this cycle, ready during it
        if let Some(p) = prev {
            if p.cmd_valid && inp.cmd_ready {
                got[p.source as usize].push(p.cmd);
            }
        }
        // refresh first: no plasticity command taken while refresh offers
        if inp.offers[0].is_some() {
            assert!(
                o.grant & 0b110 == 0,
                "cycle {c}: plasticity taken over refresh"
            );
            refresh_waited += (o.grant == 0) as usize;
        }
        if o.grant & 1 == 0 && inp.offers[1].is_some() {
            assert!(o.grant & 0b100 == 0, "cycle {c}: BCM taken over STDP");
        }
        assert!(o.grant.count_ones() <= 1);
        for k in 0..3 {
            if o.grant >> k & 1 == 1 {
                queues[k].pop_front().expect("grant without an offer");
            }
        }
        prev = Some(o);
    }
    for k in 0..3 {
        assert!(queues[k].is_empty(), "source {k} not drained");
        assert_eq!(got[k], sent[k], "source {k}: lost, duplicated or reordered");
        assert!(sent[k].len() > 1_000, "source {k}: {}", sent[k].len());
    }
    println!(
        "delivered {:?} commands; refresh waited {refresh_waited} cycles on back-pressure",
        got.iter().map(|g| g.len()).collect::<Vec<_>>()
    );
}

/// All three producers offer at once: refresh's commands go first, then
/// STDP's, then BCM's; the controller stalls one cycle.
#[test]
fn waveform_snapshot() {
    use neuroxbar_cosim::wave::{RenderOptions, Waveform};
    let cmd = |k: usize, row: u8| Command {
        kind: (k == 0) as u8,
        row,
        col: 1,
        pol: k != 2,
        count: if k == 0 { 1 } else { 10 + row },
    };
    let mut queues: [VecDeque<Command>; 3] = [
        (0..2).map(|r| cmd(0, r)).collect(),
        (0..2).map(|r| cmd(1, r)).collect(),
        (0..2).map(|r| cmd(2, r)).collect(),
    ];
    let mut m = ThreeWay::new();
    let mut rows: Vec<(String, u32, Vec<u64>)> = [
        ("refresh_valid", 1),
        ("stdp_valid", 1),
        ("bcm_valid", 1),
        ("grant", 3),
        ("cmd_valid", 1),
        ("cmd_ready", 1),
        ("source", 2),
        ("cmd_kind", 1),
        ("cmd_row", 8),
        ("cmd_count", 8),
    ]
    .iter()
    .map(|(n, w)| (n.to_string(), *w, Vec::new()))
    .collect();
    for c in 0..12 {
        let inp = ArbiterInputs {
            reset: c == 0,
            offers: std::array::from_fn(|k| {
                if c < 1 {
                    None
                } else {
                    queues[k].front().copied()
                }
            }),
            cmd_ready: c != 4,
        };
        let o = m.step(&inp);
        for k in 0..3 {
            if o.grant >> k & 1 == 1 {
                queues[k].pop_front();
            }
        }
        let vals = [
            inp.offers[0].is_some() as u64,
            inp.offers[1].is_some() as u64,
            inp.offers[2].is_some() as u64,
            o.grant as u64,
            o.cmd_valid as u64,
            inp.cmd_ready as u64,
            o.source as u64,
            o.cmd.kind as u64,
            o.cmd.row as u64,
            o.cmd.count as u64,
        ];
        for (r, v) in rows.iter_mut().zip(vals) {
            r.2.push(v);
        }
    }
    assert!(queues.iter().all(|q| q.is_empty()));
    insta::assert_snapshot!(Waveform::from_cycles(&rows).render(&RenderOptions::default()));
}
