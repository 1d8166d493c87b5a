//! BCM unit (`BcmUnit<25, 5>`): Verilator, rust-hdl `simulate()` and the
//! golden model agree every cycle; rates above the sliding threshold
//! potentiate, below it depress, and the threshold follows the mean square
//! rate.

use neuroxbar_cosim::units::bcm::*;
use neuroxbar_cosim::Trace;
use neuroxbar_models::golden::bcm::{BcmInputs, BcmOutputs, BCM_PIPELINE};
use neuroxbar_models::golden::cmd_bus::LearnStep;
use neuroxbar_models::golden::stdp::Command;

fn three_way(stimulus: &[BcmInputs]) -> Vec<BcmOutputs> {
    neuroxbar_cosim::units::three_way(
        &mut GoldenBcm::default(),
        &mut VerilatorBcm::new(Trace::Off).unwrap(),
        &mut RustHdlBcm::default(),
        stimulus,
    )
}

/// The commands handed over (valid before the cycle, ready during it).
fn transfers(stimulus: &[BcmInputs], outs: &[BcmOutputs]) -> Vec<Command> {
    (1..outs.len())
        .filter(|&t| outs[t - 1].cmd_valid && stimulus[t].cmd_ready)
        .map(|t| outs[t - 1].cmd)
        .collect()
}

fn params() -> BcmInputs {
    BcmInputs {
        step: LearnStep {
            enable: true,
            wta_on: true,
            winner: 0,
            winner_valid: true,
            ..Default::default()
        },
        window: 4,
        theta_shift: 0,
        count_shift: 0,
        cmd_ready: true,
        ..Default::default()
    }
}

/// `base` with its learning step changed by `f`.
fn with(mut base: BcmInputs, f: impl FnOnce(&mut LearnStep)) -> BcmInputs {
    f(&mut base.step);
    base
}

/// `base` with a learn strobe and these spikes.
fn strobe(base: BcmInputs, pre: u128, post: u64) -> BcmInputs {
    with(base, |s| {
        s.learn = true;
        s.pre_spikes = pre;
        s.post_spikes = post;
    })
}

fn reset() -> BcmInputs {
    BcmInputs {
        reset: true,
        ..params()
    }
}

/// One learn strobe with these spikes, then idle cycles for a scan of one
/// column (the rows, the multiply pipeline, the finish).
fn step(s: &mut Vec<BcmInputs>, base: BcmInputs, pre: u128, post: u64) {
    s.push(strobe(base, pre, post));
    s.extend(std::iter::repeat_n(base, N_ROWS + BCM_PIPELINE + 5));
}

/// A window of 4 steps: row 0 spikes every step, row 5 once, the winner
/// column 0 `y` times.
fn window(s: &mut Vec<BcmInputs>, base: BcmInputs, y: usize) {
    for k in 0..4 {
        let pre = 1 | if k == 0 { 1 << 5 } else { 0 };
        step(s, base, pre, (k < y) as u64);
    }
}

fn cmd(row: u8, pol: bool, count: u8) -> Command {
    Command {
        kind: 0,
        row,
        col: 0,
        pol,
        count,
    }
}

#[test]
fn random_stimulus_100k_cycles_lockstep() {
    let stim: Vec<_> = random_stimulus(0x5eed_bc01, 100_000).collect();
    let outs = three_way(&stim);
    let cmds = transfers(&stim, &outs);
    let pot = cmds.iter().filter(|c| c.pol).count();
    let dep = cmds.len() - pot;
    let saturated = cmds.iter().filter(|c| c.count == 255).count();
    let windows = (1..outs.len())
        .filter(|&t| outs[t].busy && !outs[t - 1].busy)
        .count();
    let stalls = (1..outs.len())
        .filter(|&t| outs[t - 1].cmd_valid && !stim[t].cmd_ready)
        .count();
    let max_theta = outs.iter().flat_map(|o| o.theta.iter()).max().unwrap();
    println!(
        "{} commands ({pot} LTP, {dep} LTD, {saturated} saturated), {windows} window ends, {stalls} stalled cycles, max theta {:.1}",
        cmds.len(),
        *max_theta as f64 / 256.0
    );
    assert!(pot > 1_000 && dep > 1_000, "LTP {pot}, LTD {dep}");
    assert!(
        saturated > 50 && stalls > 500,
        "saturated {saturated}, stalls {stalls}"
    );
    assert!(windows > 500, "{windows}");
    assert!(cmds.iter().all(|c| c.kind == 0 && c.count > 0));
}

/// The contract's timing (DESIGN.md): a window-ending `learn` in cycle `c`
/// gives row 0's command after the edge of `c + 1 + BCM_PIPELINE` and
/// `busy` for `4 + BCM_PIPELINE + N_ROWS * columns` cycles without
/// back-pressure (4 with no learning column: no pipeline to drain), and the
/// threshold moves at the last of them.
#[test]
fn scan_latency_and_busy_cycles() {
    for (columns, wta_on, enable) in [
        (1usize, true, true),
        (N_COLS, false, true),
        (0, true, false),
    ] {
        let base = with(
            BcmInputs {
                window: 1,
                ..params()
            },
            |s| {
                s.wta_on = wta_on;
                s.enable = enable;
            },
        );
        let all: u128 = (1 << N_ROWS) - 1;
        let mut s = vec![
            BcmInputs {
                reset: true,
                ..base
            },
            strobe(base, all, 0b1_1111),
        ];
        s.extend(std::iter::repeat_n(base, N_ROWS * N_COLS + 20));
        let outs = three_way(&s);
        let c = 1;
        let busy = outs.iter().filter(|o| o.busy).count();
        let expect = if columns == 0 {
            3
        } else {
            3 + BCM_PIPELINE + N_ROWS * columns
        };
        // outputs after the edges c ..: `busy` high after `expect` edges,
        // i.e. "4 + ..." counting the learn cycle as the contract does
        assert_eq!(busy, expect, "{columns} columns");
        assert!(outs[c..c + expect].iter().all(|o| o.busy));
        let first = outs.iter().position(|o| o.cmd_valid);
        if columns == 0 {
            assert_eq!(first, None);
        } else {
            assert_eq!(first, Some(c + 1 + BCM_PIPELINE));
            assert_eq!(outs[c + 1 + BCM_PIPELINE].cmd.row, 0);
        }
        // the threshold (y = 1, theta 0, shift 0 -> 1.0) moves at the finish
        let moved = outs.iter().position(|o| o.theta[0] != 0);
        assert_eq!(moved, Some(c + expect), "{columns} columns");
    }
}

#[test]
fn above_threshold_potentiates_below_depresses() {
    let mut s = vec![reset()];
    window(&mut s, params(), 2); // theta 0, y 2: x y (y - 0)
    window(&mut s, params(), 1); // theta 4 (shift 0: y^2), y 1
    window(&mut s, params(), 3); // theta 1, y 3
    let outs = three_way(&s);
    assert_eq!(
        transfers(&s, &outs),
        vec![
            cmd(0, true, 4 * 2 * 2),
            cmd(5, true, 2 * 2),
            cmd(0, false, 4 * 3),
            cmd(5, false, 3),
            cmd(0, true, 4 * 3 * 2),
            cmd(5, true, 3 * 2),
        ]
    );
    assert_eq!(outs.last().unwrap().theta[0], 9 << 8);
}

#[test]
fn theta_slides_up_with_sustained_high_rates() {
    let base = BcmInputs {
        theta_shift: 2,
        ..params()
    };
    let mut s = vec![reset()];
    let mut ends = Vec::new();
    for _ in 0..12 {
        window(&mut s, base, 4);
        ends.push(s.len() - 1);
    }
    let outs = three_way(&s);
    let theta: Vec<u32> = ends.iter().map(|&t| outs[t].theta[0]).collect();
    assert!(theta.windows(2).all(|w| w[1] > w[0]), "{theta:?}");
    // an exponential mean of y^2 = 16: 16 (1 - (3/4)^k), floored
    assert!(theta[11] > 15 << 8 && theta[11] < 16 << 8, "{theta:?}");
    // rate 4 is above the threshold at first, below it once theta > 4
    let cmds = transfers(&s, &outs);
    assert!(
        cmds[0].pol && cmds.last().is_some_and(|c| !c.pol),
        "{cmds:?}"
    );
    let flips = cmds.windows(2).filter(|w| w[0].pol != w[1].pol).count();
    assert_eq!(flips, 1, "one switch from LTP to LTD: {cmds:?}");
}

#[test]
fn rho0_shift_sets_the_rate_the_threshold_settles_at() {
    // rho_0 = 2 spikes per window: theta tracks <y^2> / 2, so a steady
    // rate of 4 settles at theta = 8 (above 4: depression) and a rate of 1
    // at 1 / 2 (below 1: potentiation); with rho_0 = 1 a rate of 2
    // settles at theta = 4 and depresses.
    for (rho0_shift, y, theta_end, pol_end) in [
        (1u8, 4usize, 8u32 << 8, false),
        (1, 1, 128, true),
        (0, 2, 4 << 8, false),
    ] {
        let base = BcmInputs {
            theta_shift: 1,
            rho0_shift,
            ..params()
        };
        let mut s = vec![reset()];
        let mut ends = Vec::new();
        for _ in 0..24 {
            window(&mut s, base, y);
            ends.push(s.len() - 1);
        }
        let outs = three_way(&s);
        let th = outs[*ends.last().unwrap()].theta[0];
        assert!(
            th <= theta_end && th + 24 >= theta_end,
            "rho0_shift {rho0_shift}, y {y}: theta {th}, expected ~{theta_end}"
        );
        let cmds = transfers(&s, &outs);
        assert_eq!(
            cmds.last().map(|c| c.pol),
            Some(pol_end),
            "rho0_shift {rho0_shift}, y {y}: {cmds:?}"
        );
    }
}

#[test]
fn only_the_winner_learns_and_back_pressure_loses_nothing() {
    let all: u128 = (1 << N_ROWS) - 1;
    let base = with(params(), |s| s.winner = 3);
    let mut s = vec![reset()];
    for _ in 0..4 {
        step(&mut s, base, all, 0b1_1111);
    }
    let outs = three_way(&s);
    let free = transfers(&s, &outs);
    assert_eq!(free.len(), N_ROWS);
    assert!(free.iter().all(|c| c.col == 3 && c.pol && c.count == 64));
    // the same with cmd_ready low two cycles out of three, and longer idles
    let mut slow = Vec::new();
    for (k, inp) in s.iter().enumerate() {
        slow.push(BcmInputs {
            cmd_ready: k % 3 == 0,
            ..*inp
        });
        if !inp.step.learn {
            slow.push(BcmInputs {
                cmd_ready: false,
                ..base
            });
            slow.push(base);
        }
    }
    let outs = three_way(&slow);
    assert_eq!(transfers(&slow, &outs), free);
    // without WTA every column learns
    let mut s = vec![reset()];
    for _ in 0..4 {
        step(&mut s, with(base, |s| s.wta_on = false), all, 0b1_1111);
    }
    s.extend(std::iter::repeat_n(base, 4 * N_ROWS));
    let outs = three_way(&s);
    assert_eq!(transfers(&s, &outs).len(), N_COLS * N_ROWS);
}

/// Window of 3 steps, theta averaging shift 1: the counts of row 0 and the
/// winner column 0 build up, the window ends, row 0 and 1 get their
/// commands, the threshold moves half-way to y^2 and the counts restart.
#[test]
fn waveform_snapshot() {
    use neuroxbar_cosim::wave::{RenderOptions, Waveform};
    let base = BcmInputs {
        window: 3,
        theta_shift: 1,
        ..params()
    };
    let learn = |pre: u128, post: u64| strobe(base, pre, post);
    let mut s = vec![
        reset(),
        learn(0b01, 1),
        base,
        learn(0b11, 1),
        base,
        learn(0b01, 0),
    ];
    s.extend(std::iter::repeat_n(base, N_ROWS + BCM_PIPELINE + 3));
    let outs = three_way(&s);
    assert_eq!(
        transfers(&s, &outs),
        vec![cmd(0, true, 3 * 2 * 2), cmd(1, true, 2 * 2)]
    );
    let col = |f: &dyn Fn(&BcmInputs, &BcmOutputs) -> u64| -> Vec<u64> {
        s.iter().zip(&outs).map(|(i, o)| f(i, o)).collect()
    };
    let rows: Vec<(String, u32, Vec<u64>)> = vec![
        ("learn".into(), 1, col(&|i, _| i.step.learn as u64)),
        (
            "pre_spikes".into(),
            2,
            col(&|i, _| (i.step.pre_spikes & 3) as u64),
        ),
        (
            "post_spikes0".into(),
            1,
            col(&|i, _| i.step.post_spikes & 1),
        ),
        ("window_pos".into(), 16, col(&|_, o| o.window_pos as u64)),
        ("pre_rate0".into(), 8, col(&|_, o| o.pre_rate[0] as u64)),
        ("post_rate0".into(), 8, col(&|_, o| o.post_rate[0] as u64)),
        ("theta0_q8".into(), 24, col(&|_, o| o.theta[0] as u64)),
        ("busy".into(), 1, col(&|_, o| o.busy as u64)),
        ("cmd_valid".into(), 1, col(&|_, o| o.cmd_valid as u64)),
        ("cmd_row".into(), 8, col(&|_, o| o.cmd.row as u64)),
        ("cmd_pol".into(), 1, col(&|_, o| o.cmd.pol as u64)),
        ("cmd_count".into(), 8, col(&|_, o| o.cmd.count as u64)),
    ];
    insta::assert_snapshot!(Waveform::from_cycles(&rows).render(&RenderOptions::default()));
}

/// `dither`: a quarter of a pulse per row (x = 4, y = 1, theta 0 held by
/// `theta_shift` 15, `count_shift` 4: 4 * 1 * 256 / 2^12) is never a
/// command when rounded down, and a one-pulse command for about a quarter
/// of the rows with the LFSR's bits added below the shift (three-way).
#[test]
fn dither_rounds_the_count_stochastically_with_the_exact_mean() {
    let all: u128 = (1 << N_ROWS) - 1;
    let windows = 40;
    let mut counts = Vec::new();
    for dither in [false, true] {
        let base = BcmInputs {
            theta_shift: 15,
            count_shift: 4,
            dither,
            ..params()
        };
        let mut s = vec![reset()];
        for _ in 0..windows {
            for k in 0..4 {
                step(&mut s, base, all, (k == 0) as u64);
            }
        }
        let outs = three_way(&s);
        let cmds = transfers(&s, &outs);
        assert!(
            cmds.iter().all(|c| c.pol && c.count == 1 && c.col == 0),
            "{cmds:?}"
        );
        assert_eq!(outs.last().unwrap().theta[0], 0);
        counts.push(cmds.len());
    }
    let rows = (windows * N_ROWS) as f64;
    let sd = (rows * 0.25 * 0.75).sqrt();
    assert_eq!(counts[0], 0, "rounded down: no command");
    assert!(
        (counts[1] as f64 - rows * 0.25).abs() < 4.0 * sd,
        "dithered: {} commands for {rows} rows at 1/4 pulse",
        counts[1]
    );
}

/// `theta_shift` and `rho0_shift` are latched at the step that ends the
/// window: values written while the scan runs count from the next window.
#[test]
fn shifts_written_during_the_scan_count_from_the_next_window() {
    let base = BcmInputs {
        window: 2,
        ..params()
    };
    let later = BcmInputs {
        theta_shift: 3,
        rho0_shift: 1,
        ..base
    };
    let mut s = vec![reset(), strobe(base, 1, 1), strobe(base, 1, 1)];
    let first_end = s.len() - 1;
    // the second strobe ended the first window (y = 2); the shifts change
    // in the cycle after it, long before the finish
    s.extend(std::iter::repeat_n(later, N_ROWS + BCM_PIPELINE + 5));
    let finished = s.len() - 1;
    let outs = three_way(&s);
    assert!(outs[first_end].busy && !outs[finished].busy);
    // shifts 0 and 0 of the ending step: theta = y^2 = 4 (the present 3
    // and 1 would give (4 / 2) / 8 = 0.25)
    assert_eq!(outs[finished].theta[0], 4 << 8);
    let mut s2 = s.clone();
    s2.push(strobe(later, 1, 1));
    s2.push(strobe(later, 1, 1));
    s2.extend(std::iter::repeat_n(later, N_ROWS + BCM_PIPELINE + 5));
    let outs = three_way(&s2);
    // the next window uses 3 and 1: theta += (2^2 / 2 - 4) / 8 = -0.25
    assert_eq!(outs.last().unwrap().theta[0], (4 << 8) - 64);
}

/// The window end is registered: a `window` written in the cycle of a step
/// counts from the next step on.
#[test]
fn a_new_window_counts_from_the_step_after_its_write() {
    let four = params();
    let one = BcmInputs { window: 1, ..four };
    let s = vec![
        reset(),
        strobe(four, 1, 1),
        four,
        // the window shrinks to 1 in the cycle of the second step: this
        // step still counts to 4 (position 2), the next one ends it
        strobe(one, 1, 1),
        one,
        strobe(one, 1, 1),
    ];
    let outs = three_way(&s);
    assert_eq!(outs[1].window_pos, 1);
    assert_eq!((outs[3].window_pos, outs[3].busy), (2, false));
    assert_eq!((outs[5].window_pos, outs[5].busy), (0, true));
}
