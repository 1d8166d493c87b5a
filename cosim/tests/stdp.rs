//! STDP unit (`StdpUnit<25, 5>`): Verilator, rust-hdl `simulate()` and the
//! golden model agree every cycle; pairing, winner-only learning, trace
//! decay and back-pressure behave as DESIGN.md says.

use neuroxbar_cosim::units::stdp::*;
use neuroxbar_cosim::Trace;
use neuroxbar_models::golden::cmd_bus::LearnStep;
use neuroxbar_models::golden::stdp::{
    decay, pulse_count, Command, StdpInputs, StdpOutputs, STDP_PIPELINE,
};

fn three_way(stimulus: &[StdpInputs]) -> Vec<StdpOutputs> {
    neuroxbar_cosim::units::three_way(
        &mut GoldenStdp::default(),
        &mut VerilatorStdp::new(Trace::Off).unwrap(),
        &mut RustHdlStdp::default(),
        stimulus,
    )
}

/// The commands handed over (valid before the cycle, ready during it).
fn transfers(stimulus: &[StdpInputs], outs: &[StdpOutputs]) -> Vec<Command> {
    (1..outs.len())
        .filter(|&t| outs[t - 1].cmd_valid && stimulus[t].cmd_ready)
        .map(|t| outs[t - 1].cmd)
        .collect()
}

fn params() -> StdpInputs {
    StdpInputs {
        step: LearnStep {
            enable: true,
            ..Default::default()
        },
        a_plus: 100,
        a_minus: 80,
        pre_decay_shift: 2,
        post_decay_shift: 1,
        trace_max: 255,
        count_shift: 8,
        cmd_ready: true,
        ..Default::default()
    }
}

fn reset() -> StdpInputs {
    StdpInputs {
        reset: true,
        ..params()
    }
}

fn idle() -> StdpInputs {
    params()
}

fn learn(pre: u128, post: u64) -> StdpInputs {
    let p = params();
    StdpInputs {
        step: LearnStep {
            learn: true,
            pre_spikes: pre,
            post_spikes: post,
            ..p.step
        },
        ..p
    }
}

fn learn_wta(pre: u128, post: u64, winner: u8) -> StdpInputs {
    let l = learn(pre, post);
    StdpInputs {
        step: LearnStep {
            wta_on: true,
            winner,
            winner_valid: true,
            ..l.step
        },
        ..l
    }
}

/// One learn strobe followed by enough idle cycles to finish the scan.
fn step(s: &mut Vec<StdpInputs>, l: StdpInputs) {
    s.push(l);
    s.extend(std::iter::repeat_n(idle(), N_ROWS * N_COLS * 2 + 4));
}

#[test]
fn random_stimulus_100k_cycles_lockstep() {
    let stim: Vec<_> = random_stimulus(0x5eed_57d9, 100_000).collect();
    let outs = three_way(&stim);
    let cmds = transfers(&stim, &outs);
    let pot = cmds.iter().filter(|c| c.pol).count();
    let dep = cmds.len() - pot;
    let saturated = cmds.iter().filter(|c| c.count == 255).count();
    let stalls = (1..outs.len())
        .filter(|&t| outs[t - 1].cmd_valid && !stim[t].cmd_ready)
        .count();
    let overruns = outs.iter().filter(|o| o.overrun).count();
    let busy = outs.iter().filter(|o| o.busy).count();
    println!(
        "{} commands ({pot} LTP, {dep} LTD, {saturated} saturated), {stalls} stalled cycles, {overruns} overruns, busy {busy} cycles",
        cmds.len()
    );
    assert!(pot > 2_000 && dep > 2_000, "LTP {pot}, LTD {dep}");
    assert!(saturated > 50, "saturated counts {saturated}");
    assert!(stalls > 1_000, "stalls {stalls}");
    assert!(overruns > 100, "overruns {overruns}");
    assert!(cmds.iter().all(|c| c.kind == 0 && c.count > 0));
    assert!(cmds
        .iter()
        .all(|c| (c.row as usize) < N_ROWS && (c.col as usize) < N_COLS));
}

#[test]
fn pre_before_post_potentiates_less_with_delay() {
    let p = params();
    let mut counts = Vec::new();
    for d in 1..=6u32 {
        let mut s = vec![reset()];
        step(&mut s, learn(1 << 3, 0)); // pre spike on row 3
        for _ in 1..d {
            step(&mut s, learn(0, 0));
        }
        step(&mut s, learn(0, 1 << 1)); // post spike on column 1, d steps later
        let outs = three_way(&s);
        let cmds = transfers(&s, &outs);
        let x = (0..d).fold(255u8, |x, _| decay(x, p.pre_decay_shift));
        let expect = pulse_count(p.a_plus, x, p.count_shift);
        assert_eq!(
            cmds,
            vec![Command {
                kind: 0,
                row: 3,
                col: 1,
                pol: true,
                count: expect
            }],
            "delay {d}"
        );
        counts.push(expect);
    }
    assert!(counts.windows(2).all(|w| w[1] < w[0]), "{counts:?}");
    // 100 * 191 >> 8 at one step (trace 255 -> 191 after one decay by 1/4)
    assert_eq!(counts[0], 74);
}

#[test]
fn post_before_pre_depresses() {
    let p = params();
    let mut counts = Vec::new();
    for d in 1..=4u32 {
        let mut s = vec![reset()];
        step(&mut s, learn(0, 1 << 4)); // post spike on column 4
        for _ in 1..d {
            step(&mut s, learn(0, 0));
        }
        step(&mut s, learn(1 << 7 | 1 << 20, 0)); // pre spikes on rows 7 and 20
        let outs = three_way(&s);
        let cmds = transfers(&s, &outs);
        let y = (0..d).fold(255u8, |y, _| decay(y, p.post_decay_shift));
        let count = pulse_count(p.a_minus, y, p.count_shift);
        let dep = |row| Command {
            kind: 0,
            row,
            col: 4,
            pol: false,
            count,
        };
        assert_eq!(cmds, vec![dep(7), dep(20)], "delay {d}");
        counts.push(count);
    }
    assert!(counts.windows(2).all(|w| w[1] < w[0]), "{counts:?}");
}

#[test]
fn same_step_spikes_do_not_pair_and_both_polarities_come_in_order() {
    let mut s = vec![reset()];
    step(&mut s, learn(1 << 2, 1 << 0)); // same step: no pair yet
    step(&mut s, learn(1 << 2, 1 << 0)); // both traces now set: LTP then LTD on (2, 0)
    let outs = three_way(&s);
    let cmds = transfers(&s, &outs);
    assert_eq!(cmds.len(), 2, "{cmds:?}");
    assert_eq!((cmds[0].row, cmds[0].col, cmds[0].pol), (2, 0, true));
    assert_eq!((cmds[1].row, cmds[1].col, cmds[1].pol), (2, 0, false));
}

#[test]
fn only_the_winner_learns_with_wta() {
    let all_rows: u128 = (1 << N_ROWS) - 1;
    let mut s = vec![reset()];
    step(&mut s, learn(all_rows, 0));
    step(&mut s, learn_wta(0, 0b0_0111, 2)); // columns 0, 1, 2 spike; 2 won
    let outs = three_way(&s);
    let cmds = transfers(&s, &outs);
    assert_eq!(cmds.len(), N_ROWS, "{cmds:?}");
    assert!(cmds.iter().all(|c| c.col == 2 && c.pol));
    let rows: Vec<u8> = cmds.iter().map(|c| c.row).collect();
    assert_eq!(rows, (0..N_ROWS as u8).collect::<Vec<_>>());
    // without WTA every spiking column learns
    let mut s = vec![reset()];
    step(&mut s, learn(all_rows, 0));
    step(&mut s, learn(0, 0b0_0111));
    let outs = three_way(&s);
    let cmds = transfers(&s, &outs);
    assert_eq!(cmds.len(), 3 * N_ROWS);
    // and with WTA but no winner nothing learns
    let mut s = vec![reset()];
    step(&mut s, learn(all_rows, 0));
    step(&mut s, {
        let mut l = learn_wta(0, 0b0_0111, 2);
        l.step.winner_valid = false;
        l
    });
    let outs = three_way(&s);
    assert!(transfers(&s, &outs).is_empty());
}

#[test]
fn traces_decay_by_the_shift() {
    for shift in [1u8, 3, 5] {
        let base = StdpInputs {
            pre_decay_shift: shift,
            post_decay_shift: shift + 1,
            ..params()
        };
        let mut s = vec![reset()];
        step(
            &mut s,
            StdpInputs {
                step: LearnStep {
                    learn: true,
                    pre_spikes: 1,
                    post_spikes: 1,
                    ..base.step
                },
                ..base
            },
        );
        for _ in 0..12 {
            step(
                &mut s,
                StdpInputs {
                    step: LearnStep {
                        learn: true,
                        ..base.step
                    },
                    ..base
                },
            );
        }
        let outs = three_way(&s);
        // trace values after every step's scan
        let ends: Vec<(u8, u8)> = (1..s.len())
            .filter(|&t| outs[t - 1].busy && !outs[t].busy)
            .map(|t| (outs[t].pre_trace[0], outs[t].post_trace[0]))
            .collect();
        assert_eq!(ends.len(), 13);
        let (mut x, mut y) = (255u8, 255u8);
        for (k, &(xt, yt)) in ends.iter().enumerate() {
            assert_eq!((xt, yt), (x, y), "shift {shift}, step {k}");
            x = ((x as u32 * ((1 << shift) - 1)) >> shift) as u8;
            y = ((y as u32 * ((1 << (shift + 1)) - 1)) >> (shift + 1)) as u8;
        }
    }
}

#[test]
fn back_pressure_loses_no_command() {
    let all_rows: u128 = (1 << N_ROWS) - 1;
    let mut s = vec![reset()];
    step(&mut s, learn(all_rows, 0b1_1111));
    step(&mut s, learn(0b1010_1010_1010, 0b1_0101));
    step(&mut s, learn(all_rows, 0b0_1010));
    let free = transfers(&s, &three_way(&s));
    assert!(free.len() > 60, "{}", free.len());
    // the same with cmd_ready low two cycles out of three (and extra cycles)
    let mut slow = Vec::new();
    for (k, inp) in s.iter().enumerate() {
        slow.push(StdpInputs {
            cmd_ready: k % 3 == 0,
            ..*inp
        });
        if !inp.step.learn {
            slow.push(StdpInputs {
                cmd_ready: false,
                ..idle()
            });
            slow.push(StdpInputs {
                cmd_ready: true,
                ..idle()
            });
        }
    }
    let outs = three_way(&slow);
    assert_eq!(transfers(&slow, &outs), free);
    assert!(outs.iter().all(|o| !o.overrun));
}

/// The contract's timing (DESIGN.md): `learn` in cycle `c` gives the first
/// command after the edge of `c + 1 + STDP_PIPELINE`, and `busy` for
/// `1 + STDP_PIPELINE + rows visited` cycles after the edges from `c` on
/// (`2 + ...` counting the learn cycle, as the contract does; no pipeline
/// to drain when nothing is scanned); a row with both an LTP and an LTD
/// command takes one more cycle.
#[test]
fn scan_latency_and_busy_cycles() {
    let all_rows: u128 = (1 << N_ROWS) - 1;
    // (pre spikes of this step, post spikes, rows visited, extra cycles,
    // row of the first command)
    let cases = [
        (0u128, 1u64 << 2, N_ROWS, 0usize, 0usize), // LTP on column 2 (every pre trace set)
        (0, 0b0_0101, 2 * N_ROWS, 0, 0),            // two columns
        (0, 0, 0, 0, 0),                            // nothing to scan
        // LTD on row 4 of every column (all post traces are set), LTP on
        // column 2: (4, 2) has both
        (1 << 4, 1 << 2, N_COLS * N_ROWS, 1, 4),
    ];
    for (pre, post, rows, extra, first_row) in cases {
        let mut s = vec![reset(), learn(all_rows, 0b1_1111)];
        s.extend(std::iter::repeat_n(idle(), N_ROWS * N_COLS + 20));
        let c = s.len();
        s.push(learn(pre, post));
        s.extend(std::iter::repeat_n(idle(), 2 * N_ROWS * N_COLS + 20));
        let outs = three_way(&s);
        let busy = outs[c..].iter().filter(|o| o.busy).count();
        let expect = if rows == 0 {
            1
        } else {
            1 + STDP_PIPELINE + rows + extra
        };
        assert_eq!(busy, expect, "pre {pre:#x} post {post:#b}");
        assert!(outs[c..c + expect].iter().all(|o| o.busy));
        let first = outs[c..].iter().position(|o| o.cmd_valid);
        if rows == 0 {
            assert_eq!(first, None);
        } else {
            assert_eq!(
                first,
                Some(1 + STDP_PIPELINE + first_row),
                "pre {pre:#x} post {post:#b}"
            );
        }
    }
}

#[test]
fn learn_while_busy_is_flagged() {
    let mut s = vec![reset()];
    s.push(learn((1 << N_ROWS) - 1, 0));
    s.push(learn(0, 1)); // still scanning
    s.push(idle());
    let outs = three_way(&s);
    assert!(outs[1].busy);
    assert!(outs[2].overrun);
}

/// A short directed stimulus rendered as a text waveform: rows 0..2 spike
/// (cycle 1), two steps later the winner column 0 spikes (cycle 7): LTP
/// commands for rows 0..2 with counts from the twice-decayed pre traces
/// (after the select/multiply/shift pipeline: the first in cycle 11), the
/// controller stalls the first one a cycle; after that scan row 3 spikes
/// (cycle 42): LTD on (3, 0) from the decayed post trace.
#[test]
fn waveform_snapshot() {
    use neuroxbar_cosim::wave::{RenderOptions, Waveform};
    let base = |l: bool, pre: u128, post: u64| StdpInputs {
        step: LearnStep {
            learn: l,
            pre_spikes: pre,
            post_spikes: post,
            wta_on: true,
            winner: 0,
            winner_valid: true,
            enable: true,
        },
        a_plus: 64,
        a_minus: 64,
        count_shift: 6,
        ..params()
    };
    let mut s = vec![reset(), base(true, 0b0111, 0)];
    s.extend((0..2).map(|_| base(false, 0, 0)));
    s.push(base(true, 0, 0));
    s.extend((0..2).map(|_| base(false, 0, 0)));
    s.push(base(true, 0, 1));
    // the first command comes STDP_PIPELINE + 1 cycles after that learn
    s.extend((0..1 + STDP_PIPELINE).map(|_| base(false, 0, 0)));
    s.push(StdpInputs {
        cmd_ready: false,
        ..base(false, 0, 0)
    });
    s.extend((0..26 + STDP_PIPELINE).map(|_| base(false, 0, 0)));
    s.push(base(true, 0b1000, 0));
    s.extend((0..7 + STDP_PIPELINE).map(|_| base(false, 0, 0)));
    let outs = three_way(&s);
    let cmds = transfers(&s, &outs);
    assert_eq!(cmds.len(), 4, "{cmds:?}");
    let col = |f: &dyn Fn(&StdpInputs, &StdpOutputs) -> u64| -> Vec<u64> {
        s.iter().zip(&outs).map(|(i, o)| f(i, o)).collect()
    };
    let rows: Vec<(String, u32, Vec<u64>)> = vec![
        ("learn".into(), 1, col(&|i, _| i.step.learn as u64)),
        (
            "pre_spikes".into(),
            4,
            col(&|i, _| (i.step.pre_spikes & 0xF) as u64),
        ),
        (
            "post_spikes0".into(),
            1,
            col(&|i, _| i.step.post_spikes & 1),
        ),
        ("pre_trace0".into(), 8, col(&|_, o| o.pre_trace[0] as u64)),
        ("post_trace0".into(), 8, col(&|_, o| o.post_trace[0] as u64)),
        ("busy".into(), 1, col(&|_, o| o.busy as u64)),
        ("cmd_valid".into(), 1, col(&|_, o| o.cmd_valid as u64)),
        ("cmd_ready".into(), 1, col(&|i, _| i.cmd_ready as u64)),
        ("cmd_row".into(), 8, col(&|_, o| o.cmd.row as u64)),
        ("cmd_pol".into(), 1, col(&|_, o| o.cmd.pol as u64)),
        ("cmd_count".into(), 8, col(&|_, o| o.cmd.count as u64)),
    ];
    insta::assert_snapshot!(Waveform::from_cycles(&rows).render(&RenderOptions::default()));
}
