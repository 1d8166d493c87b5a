//! Refresh scheduler (`RefreshScheduler<25, 5>`): Verilator, rust-hdl
//! `simulate()` and the golden model agree every cycle; a spent budget
//! refreshes every row of its column exactly once.

use neuroxbar_cosim::units::refresh::*;
use neuroxbar_cosim::Trace;
use neuroxbar_models::golden::refresh::{RefreshInputs, RefreshOutputs};
use neuroxbar_models::golden::stdp::Command;

fn three_way(stimulus: &[RefreshInputs]) -> Vec<RefreshOutputs> {
    neuroxbar_cosim::units::three_way(
        &mut GoldenRefresh::default(),
        &mut VerilatorRefresh::new(Trace::Off).unwrap(),
        &mut RustHdlRefresh::default(),
        stimulus,
    )
}

/// The commands handed over (valid before the cycle, ready during it).
fn transfers(stimulus: &[RefreshInputs], outs: &[RefreshOutputs]) -> Vec<Command> {
    (1..outs.len())
        .filter(|&t| outs[t - 1].cmd_valid && stimulus[t].cmd_ready)
        .map(|t| outs[t - 1].cmd)
        .collect()
}

fn idle(budget: u32) -> RefreshInputs {
    RefreshInputs {
        enable: true,
        budget,
        cmd_ready: true,
        ..Default::default()
    }
}

fn pulse(budget: u32, col: u8) -> RefreshInputs {
    RefreshInputs {
        pulse: true,
        pulse_col: col,
        ..idle(budget)
    }
}

fn reset() -> RefreshInputs {
    RefreshInputs {
        reset: true,
        ..idle(0)
    }
}

fn refresh_of(col: u8) -> Vec<Command> {
    (0..N_ROWS as u8)
        .map(|row| Command {
            kind: 1,
            row,
            col,
            pol: true,
            count: 1,
        })
        .collect()
}

#[test]
fn random_stimulus_100k_cycles_lockstep() {
    let stim: Vec<_> = random_stimulus(0x5eed_4ef5, 100_000).collect();
    let outs = three_way(&stim);
    let cmds = transfers(&stim, &outs);
    let stalls = (1..outs.len())
        .filter(|&t| outs[t - 1].cmd_valid && !stim[t].cmd_ready)
        .count();
    let multi = outs.iter().filter(|o| o.pending.count_ones() > 1).count();
    println!(
        "{} refresh commands ({} columns), {stalls} stalled cycles, {multi} cycles with several columns pending",
        cmds.len(),
        cmds.len() / N_ROWS
    );
    assert!(cmds.len() > 200 * N_ROWS, "{} commands", cmds.len());
    assert!(
        stalls > 1_000 && multi > 100,
        "stalls {stalls}, multi {multi}"
    );
    // commands come in whole columns, rows in order
    for chunk in cmds.chunks(N_ROWS) {
        assert_eq!(chunk, &refresh_of(chunk[0].col)[..chunk.len()]);
    }
}

#[test]
fn spent_budget_refreshes_every_row_once() {
    let budget = 5;
    let mut s = vec![reset()];
    for _ in 0..budget - 1 {
        s.push(pulse(budget, 2));
        s.push(pulse(budget, 4));
    }
    s.extend(std::iter::repeat_n(idle(budget), 10));
    let outs = three_way(&s);
    assert!(transfers(&s, &outs).is_empty(), "budget not spent yet");
    assert_eq!(outs.last().unwrap().pulse_count, vec![0, 0, 4, 0, 4]);
    let t_spend = s.len();
    s.push(pulse(budget, 2)); // the 5th pulse on column 2
    s.extend(std::iter::repeat_n(idle(budget), N_ROWS + 10));
    let outs = three_way(&s);
    assert_eq!(
        outs[t_spend].pulse_count,
        vec![0, 0, 0, 0, 4],
        "counter cleared"
    );
    // pending one edge later (the compare is registered)
    assert_eq!(
        (outs[t_spend].pending, outs[t_spend + 1].pending),
        (0, 1 << 2)
    );
    assert!(outs[t_spend + 1].busy);
    assert_eq!(transfers(&s, &outs), refresh_of(2));
    // row 0 is valid three cycles after the spending pulse
    assert!(!outs[t_spend + 2].cmd_valid && outs[t_spend + 3].cmd_valid);
    assert!(!outs.last().unwrap().busy);
}

#[test]
fn back_pressure_and_two_columns_lose_nothing() {
    let budget = 3;
    let mut s = vec![reset()];
    for _ in 0..budget {
        s.push(pulse(budget, 1));
        s.push(pulse(budget, 3));
    }
    for k in 0..4 * N_ROWS + 20 {
        s.push(RefreshInputs {
            cmd_ready: k % 4 == 1,
            ..idle(budget)
        });
    }
    // the column being refreshed spends its budget again meanwhile
    for k in 0..budget as usize {
        s[12 + k].pulse = true;
        s[12 + k].pulse_col = 1;
    }
    s.extend(std::iter::repeat_n(idle(budget), 2 * N_ROWS + 10));
    let outs = three_way(&s);
    let cmds = transfers(&s, &outs);
    // lowest pending column first: column 1 again before column 3
    let mut expect = refresh_of(1);
    expect.extend(refresh_of(1));
    expect.extend(refresh_of(3));
    assert_eq!(cmds, expect);
}

#[test]
fn budget_zero_or_disabled_is_off() {
    let mut s = vec![reset()];
    for _ in 0..20 {
        s.push(pulse(0, 0));
        s.push(RefreshInputs {
            enable: false,
            ..pulse(1, 1)
        });
    }
    s.extend(std::iter::repeat_n(idle(0), 5));
    let outs = three_way(&s);
    assert!(transfers(&s, &outs).is_empty());
    assert_eq!(
        outs.last().unwrap().pulse_count[..2],
        [20, 20],
        "still counted"
    );
    // enabling with a budget below the count triggers at the next pulse;
    // the write counts from the cycle after it, so the pulse in the
    // write's own cycle only counts
    let first = s.len();
    s.push(pulse(8, 0));
    s.push(pulse(8, 0));
    s.extend(std::iter::repeat_n(idle(8), N_ROWS + 5));
    let outs = three_way(&s);
    assert_eq!(outs[first].pulse_count[0], 21);
    assert_eq!(outs[first + 1].pulse_count[0], 0);
    assert_eq!(transfers(&s, &outs), refresh_of(0));
}

/// Budget 3 on column 1: three pulses, the request, the scan over the rows
/// (a stall on row 1), the counter back at 0.
#[test]
fn waveform_snapshot() {
    use neuroxbar_cosim::wave::{RenderOptions, Waveform};
    let mut s = vec![
        reset(),
        pulse(3, 1),
        idle(3),
        pulse(3, 1),
        pulse(3, 0),
        pulse(3, 1),
    ];
    s.extend(std::iter::repeat_n(idle(3), 4));
    s.push(RefreshInputs {
        cmd_ready: false,
        ..idle(3)
    });
    s.extend(std::iter::repeat_n(idle(3), N_ROWS));
    let outs = three_way(&s);
    assert_eq!(transfers(&s, &outs), refresh_of(1));
    let col = |f: &dyn Fn(&RefreshInputs, &RefreshOutputs) -> u64| -> Vec<u64> {
        s.iter().zip(&outs).map(|(i, o)| f(i, o)).collect()
    };
    let rows: Vec<(String, u32, Vec<u64>)> = vec![
        ("pulse".into(), 1, col(&|i, _| i.pulse as u64)),
        ("pulse_col".into(), 8, col(&|i, _| i.pulse_col as u64)),
        (
            "pulse_count1".into(),
            32,
            col(&|_, o| o.pulse_count[1] as u64),
        ),
        ("pending".into(), 5, col(&|_, o| o.pending)),
        ("busy".into(), 1, col(&|_, o| o.busy as u64)),
        ("cmd_valid".into(), 1, col(&|_, o| o.cmd_valid as u64)),
        ("cmd_ready".into(), 1, col(&|i, _| i.cmd_ready as u64)),
        ("cmd_kind".into(), 1, col(&|_, o| o.cmd.kind as u64)),
        ("cmd_col".into(), 8, col(&|_, o| o.cmd.col as u64)),
        ("cmd_row".into(), 8, col(&|_, o| o.cmd.row as u64)),
    ];
    insta::assert_snapshot!(Waveform::from_cycles(&rows).render(&RenderOptions::default()));
}
