//! Crossbar controller (`CrossbarController<25, 5>`): Verilator, rust-hdl
//! `simulate()` and the golden model agree every cycle; READ, PROGRAM (V/2,
//! V/3) and REFRESH sequence the front-end bus as DESIGN.md says; the
//! amplitude never leaves the safe window; no staging while applied, no apply
//! while a sample is in flight; time warp keeps every bus event's time.

use neuroxbar_cosim::units::xbar_ctrl::*;
use neuroxbar_cosim::units::CycleModel;
use neuroxbar_cosim::Trace;
use neuroxbar_models::golden::xbar_ctrl::{XbarInputs, XbarOutputs, PREP_CYCLES};

const S: usize = N_ROWS + N_COLS;
/// Cycles of PG_PREP before each staging burst of a command.
const P: usize = PREP_CYCLES as usize;

/// Three back ends, the front-end responder and simulated time.
struct Bench {
    vl: VerilatorXbar,
    hdl: RustHdlXbar,
    gold: GoldenXbar,
    resp: Responder,
    last: XbarOutputs,
    warp: bool,
    /// Simulated cycles so far (a warped cycle counts `1 + warp`).
    t: u64,
    /// Every cycle: inputs, outputs, simulated time after its edge.
    log: Vec<(XbarInputs, XbarOutputs, u64)>,
}

impl Bench {
    fn new(warp: bool) -> Self {
        let mut resp = Responder::new(7);
        resp.conversion = 2..=2;
        let mut b = Self {
            vl: VerilatorXbar::new(Trace::Off).unwrap(),
            hdl: RustHdlXbar::default(),
            gold: GoldenXbar::default(),
            resp,
            last: XbarOutputs::default(),
            warp,
            t: 0,
            log: Vec::new(),
        };
        for _ in 0..2 {
            b.cycle(XbarInputs {
                reset: true,
                ..default_config()
            });
        }
        b
    }

    fn cycle(&mut self, mut inp: XbarInputs) -> XbarOutputs {
        self.resp.drive(&self.last, &mut inp);
        inp.warp = 0;
        if self.warp && self.last.wait_left > 1 && self.resp.quiet() && !inp.fe.busy {
            inp.warp = self.last.wait_left - 1;
        }
        let g = self.gold.step(&inp);
        let v = self.vl.step(&inp);
        let h = self.hdl.step(&inp);
        assert!(
            g == v && g == h,
            "cycle {}: inputs {inp:?}\n golden    {g:?}\n verilator {v:?}\n rust-hdl  {h:?}",
            self.log.len()
        );
        self.t += 1 + inp.warp as u64;
        self.log.push((inp, g.clone(), self.t));
        self.last = g.clone();
        g
    }

    /// Run with `cfg` until idle (and the front-end quiet), at most `max` cycles.
    fn run_idle(&mut self, cfg: &XbarInputs, max: usize) {
        for _ in 0..max {
            let o = self.cycle(cfg.clone());
            if o.idle && self.resp.quiet() {
                return;
            }
        }
        panic!("not idle after {max} cycles");
    }

    /// Hand over a command (valid held until ready), one cycle per call.
    fn command(&mut self, cfg: &XbarInputs, refresh: bool, row: u8, col: u8, pol: bool, count: u8) {
        loop {
            let ready = self.last.cmd_ready;
            self.cycle(XbarInputs {
                cmd_valid: true,
                cmd_refresh: refresh,
                cmd_row: row,
                cmd_col: col,
                cmd_pol: pol,
                cmd_count: count,
                ..cfg.clone()
            });
            if ready {
                return;
            }
        }
    }

    fn outs(&self, from: usize) -> Vec<XbarOutputs> {
        self.log[from..].iter().map(|(_, o, _)| o.clone()).collect()
    }
}

/// Lengths of the runs of consecutive cycles where `f` holds.
fn runs(outs: &[XbarOutputs], f: impl Fn(&XbarOutputs) -> bool) -> Vec<usize> {
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

/// Staging writes `(channel, mode, code)` in `outs`, in order.
fn writes(outs: &[XbarOutputs]) -> Vec<(u8, u8, i16)> {
    outs.iter()
        .filter(|o| o.fe.we)
        .map(|o| (o.fe.ch, o.fe.mode, o.fe.code))
        .collect()
}

/// Bus rules over a whole log: never stage while applied; never raise
/// apply while a sample is in flight (from `fe_sample` until the last of
/// its `N_COLS` results); `fe_sample` only while applied.
fn check_bus_rules(log: &[(XbarInputs, XbarOutputs, u64)]) {
    let mut in_flight = 0usize;
    let mut apply = false;
    for (k, (inp, o, _)) in log.iter().enumerate() {
        if inp.reset {
            in_flight = 0;
        }
        if inp.fe.rd_valid && in_flight > 0 {
            in_flight -= 1;
        }
        assert!(!(o.fe.we && o.fe.apply), "cycle {k}: staging while applied");
        assert!(
            !(o.fe.apply && !apply && in_flight > 0),
            "cycle {k}: apply raised while a sample is in flight"
        );
        if o.fe.sample {
            assert!(o.fe.apply, "cycle {k}: sample without applied lines");
            in_flight += N_COLS;
        }
        apply = o.fe.apply;
    }
}

#[test]
fn random_stimulus_lockstep_with_warp() {
    const CYCLES: u64 = 150_000;
    let mut vl = VerilatorXbar::new(Trace::Off).unwrap();
    let mut hdl = RustHdlXbar::default();
    let mut gold = GoldenXbar::default();
    let mut stim = XbarStimulus::new(0x5eed_0008);
    let mut last = XbarOutputs::default();
    let mut log = Vec::new();
    let (mut warped, mut reads, mut pulses, mut clamps, mut refresh_applies) = (0, 0, 0, 0, 0);
    for c in 0..CYCLES {
        let inp = stim.next(&last);
        let g = gold.step(&inp);
        let v = vl.step(&inp);
        let h = hdl.step(&inp);
        assert!(
            g == v && g == h,
            "cycle {c}: inputs {inp:?}\n golden    {g:?}\n verilator {v:?}\n rust-hdl  {h:?}"
        );
        warped += (inp.warp > 0) as u64;
        reads += g.read_done as u64;
        pulses += g.pulse as u64;
        clamps += (g.clamp_error && !last.clamp_error) as u64;
        refresh_applies += (g.fe.apply && !last.fe.apply && gold.0.cq_refresh) as u64;
        log.push((inp, g.clone(), 0));
        last = g;
    }
    check_bus_rules(&log);
    // the stimulus reaches every feature
    assert!(warped > 1_000, "warped cycles: {warped}");
    assert!(reads > 500, "reads: {reads}");
    assert!(pulses > 500, "program pulses: {pulses}");
    assert!(refresh_applies > 100, "refresh pulses: {refresh_applies}");
    assert!(clamps > 5, "clamp errors raised: {clamps}");
}

#[test]
fn read_stages_rows_and_columns_samples_once_and_collects_every_column() {
    let cfg = default_config(); // v_read 25, settle 3
    let mut b = Bench::new(false);
    let mask: u128 = (1 << 0) | (1 << 3) | (1 << 24);
    let k0 = b.log.len();
    b.cycle(XbarInputs {
        read_start: true,
        row_mask: mask,
        ..cfg.clone()
    });
    b.run_idle(&cfg, 200);
    let outs = b.outs(k0);
    // S staging cycles from the read_start edge, channel by channel
    let w = writes(&outs);
    assert_eq!(w.len(), S);
    for (ch, (c, mode, code)) in w.iter().enumerate() {
        assert_eq!(*c as usize, ch);
        let want = if ch >= N_ROWS {
            (2, 0)
        } else if (mask >> ch) & 1 == 1 {
            (1, 25)
        } else {
            (0, 0)
        };
        assert_eq!((*mode, *code), want, "channel {ch}");
    }
    assert!(outs[..S].iter().all(|o| o.fe.we));
    // apply high settle + 1 cycles right after staging, sample in the last
    assert_eq!(runs(&outs, |o| o.fe.apply), vec![3 + 1]);
    assert!(outs[S..S + 4].iter().all(|o| o.fe.apply));
    let samples: Vec<usize> = (0..outs.len()).filter(|&k| outs[k].fe.sample).collect();
    assert_eq!(samples, vec![S + 3]);
    // results: conversion 2 cycles, then 5 beats; read_done after the last
    let beats: Vec<(usize, u8, i16, bool)> = b.log[k0..]
        .iter()
        .enumerate()
        .filter(|(_, (i, _, _))| i.fe.rd_valid)
        .map(|(k, (i, _, _))| (k, i.fe.rd_ch, i.fe.rd_data, i.fe.rd_sat))
        .collect();
    assert_eq!(beats.len(), N_COLS);
    assert_eq!(beats[0].0, S + 3 + 1 + 2);
    let done: Vec<usize> = (0..outs.len()).filter(|&k| outs[k].read_done).collect();
    assert_eq!(done, vec![beats[N_COLS - 1].0]);
    let o = &outs[done[0]];
    for &(_, ch, data, sat) in &beats {
        let j = ch as usize - N_ROWS;
        assert_eq!(o.col_code[j], data, "column {j}");
        assert_eq!((o.col_sat >> j) & 1 == 1, sat, "column {j}");
    }
    assert!(o.idle && o.cmd_ready);
    assert!(outs[..done[0]].iter().all(|o| !o.idle));
    check_bus_rules(&b.log);
}

/// Staged line codes per channel of the first staging burst in `outs`.
fn first_burst(outs: &[XbarOutputs]) -> Vec<(u8, i16)> {
    let start = outs.iter().position(|o| o.fe.we).unwrap();
    let w = writes(&outs[start..start + S]);
    assert_eq!(w.len(), S, "a contiguous burst of S writes");
    w.iter()
        .enumerate()
        .map(|(ch, &(c, m, code))| {
            assert_eq!(c as usize, ch);
            (m, code)
        })
        .collect()
}

/// Cell voltages (codes) `V_ij = row_i - col_j` of a staged burst.
fn cell_codes(burst: &[(u8, i16)]) -> Vec<Vec<i32>> {
    (0..N_ROWS)
        .map(|i| {
            (0..N_COLS)
                .map(|j| burst[i].1 as i32 - burst[N_ROWS + j].1 as i32)
                .collect()
        })
        .collect()
}

fn program(cfg: &XbarInputs, row: u8, col: u8, pol: bool, count: u8) -> (Bench, usize) {
    let mut b = Bench::new(false);
    let k0 = b.log.len();
    b.command(cfg, false, row, col, pol, count);
    b.run_idle(cfg, 2_000);
    (b, k0)
}

#[test]
fn program_v2_and_v3_stage_the_scheme_then_pulse_then_ground() {
    for v3 in [false, true] {
        let cfg = XbarInputs {
            scheme_v3: v3,
            ..default_config()
        }; // v_pot 750, width 2, interval 3
        let (b, k0) = program(&cfg, 7, 2, true, 3);
        let outs = b.outs(k0);
        // the command is taken in the handshake cycle, checked one later,
        // its codes prepared for P cycles, then staged
        assert!(!outs[0].cmd_ready && !outs[0].fe.we);
        assert!(outs[..1 + P].iter().all(|o| !o.fe.we && !o.fe.apply));
        assert!(outs[1 + P].fe.we);
        let burst = first_burst(&outs);
        assert!(burst.iter().all(|&(m, _)| m == 1), "all lines driven");
        let v = cell_codes(&burst);
        for i in 0..N_ROWS {
            for j in 0..N_COLS {
                let want = match (i == 7, j == 2, v3) {
                    (true, true, _) => 750,
                    (true, false, false) | (false, true, false) => 375,
                    (true, false, true) | (false, true, true) => 250,
                    (false, false, false) => 0,
                    (false, false, true) => -250,
                };
                assert_eq!(v[i][j], want, "cell ({i}, {j}) v3 {v3}");
            }
        }
        assert_eq!(burst[7].1, 375);
        assert_eq!(burst[N_ROWS + 2].1, -375);
        // the pulses: count 3, width 2, interval 3, right after the staging
        let first_apply = outs.iter().position(|o| o.fe.apply).unwrap();
        assert_eq!(first_apply, 1 + P + S);
        let last_apply = outs.iter().rposition(|o| o.fe.apply).unwrap();
        assert_eq!(runs(&outs, |o| o.fe.apply), vec![2, 2, 2]);
        assert_eq!(
            runs(&outs[first_apply..=last_apply], |o| !o.fe.apply),
            vec![3, 3]
        );
        let pulses: Vec<&XbarOutputs> = outs.iter().filter(|o| o.pulse).collect();
        assert_eq!(pulses.len(), 3);
        assert!(pulses.iter().all(|o| o.pulse_col == 2));
        // then every channel grounded, starting 2 cycles after the last pulse
        let after = &outs[last_apply + 1..];
        let w = writes(after);
        assert_eq!(w.len(), S);
        assert!(w
            .iter()
            .enumerate()
            .all(|(ch, &(c, m, code))| c as usize == ch && m == 0 && code == 0));
        assert_eq!(after.iter().position(|o| o.fe.we), Some(1));
        // idle and cmd_ready rise together after the last ground write
        let idle_at = outs.iter().position(|o| o.idle).unwrap();
        assert_eq!(idle_at, last_apply + 2 + S);
        assert!(outs[idle_at].cmd_ready && !outs[idle_at - 1].cmd_ready);
        assert!(outs[idle_at..].iter().all(|o| !o.fe.we && !o.fe.apply));
        // total: handshake + P + S + train (3*2 + 2*3) + 1 + S
        assert_eq!(idle_at, 1 + P + S + 12 + 1 + S);
        assert!(!outs.iter().any(|o| o.clamp_error));
        check_bus_rules(&b.log);
    }
}

#[test]
fn depress_uses_v_dep() {
    let cfg = default_config(); // v_dep -750
    let (b, k0) = program(&cfg, 0, 4, false, 1);
    let burst = first_burst(&b.outs(k0));
    let v = cell_codes(&burst);
    assert_eq!(v[0][4], -750);
    assert_eq!((burst[0].1, burst[N_ROWS + 4].1), (-375, 375));
}

#[test]
fn amplitude_clamped_to_the_safe_window_with_sticky_flag() {
    for (pol, v_pot, v_dep, lo, hi, want) in [
        (true, 2000i16, -750i16, -1250i16, 1250i16, 1250i32),
        (false, 750, -2000, -1000, 1250, -1000),
        (true, 751, -750, -1250, 1250, 751),
    ] {
        let cfg = XbarInputs {
            v_pot,
            v_dep,
            safe_min: lo,
            safe_max: hi,
            ..default_config()
        };
        let (mut b, k0) = program(&cfg, 12, 1, pol, 2);
        let outs = b.outs(k0);
        let burst = first_burst(&outs);
        let v = cell_codes(&burst);
        assert_eq!(v[12][1], want, "selected cell");
        // no cell, and no line, ever beyond the window
        for row in &v {
            for &c in row {
                assert!(
                    c >= lo as i32 && c <= hi as i32,
                    "cell {c} outside [{lo}, {hi}]"
                );
            }
        }
        let clamped = want != if pol { v_pot } else { v_dep } as i32;
        assert_eq!(outs.last().unwrap().clamp_error, clamped);
        assert_eq!(
            runs(&outs, |o| o.fe.apply),
            vec![2, 2],
            "the train still runs"
        );
        if clamped {
            // sticky across further (in-window) commands, cleared by reset
            let ok = default_config();
            b.command(&ok, false, 0, 0, true, 1);
            b.run_idle(&ok, 2_000);
            assert!(b.last.clamp_error);
            b.cycle(XbarInputs { reset: true, ..ok });
            assert!(!b.last.clamp_error);
        }
    }
    // an empty window: nothing applied, flag raised
    let cfg = XbarInputs {
        safe_min: 100,
        safe_max: -100,
        ..default_config()
    };
    let (b, k0) = program(&cfg, 1, 1, true, 3);
    let outs = b.outs(k0);
    assert!(outs.iter().all(|o| !o.fe.apply));
    assert!(first_burst(&outs).iter().all(|&(_, c)| c == 0));
    assert!(outs.last().unwrap().clamp_error);
}

#[test]
fn refresh_is_a_pair_of_opposite_pulses() {
    let cfg = default_config(); // refresh 875, 5 cycles, V/3
    let mut b = Bench::new(false);
    let k0 = b.log.len();
    b.command(&cfg, true, 3, 4, false, 0);
    b.run_idle(&cfg, 2_000);
    let outs = b.outs(k0);
    assert_eq!(runs(&outs, |o| o.fe.apply), vec![5, 5]);
    assert!(outs.iter().all(|o| !o.pulse), "refresh pulses do not count");
    // two staging bursts before the pulses, one ground burst after
    let w = writes(&outs);
    assert_eq!(w.len(), 3 * S);
    let first = first_burst(&outs);
    let second_start = outs.iter().position(|o| o.fe.apply).unwrap() + 5;
    let second = first_burst(&outs[second_start..]);
    assert_eq!(cell_codes(&first)[3][4], 875);
    assert_eq!(cell_codes(&second)[3][4], -875);
    assert_eq!(cell_codes(&first)[0][0], -(2 * 146));
    assert_eq!(cell_codes(&second)[0][0], 2 * 146);
    // the second burst's codes are prepared from one cycle after the first
    // pulse, for P cycles; then it is staged
    assert!(outs[second_start..second_start + 1 + P]
        .iter()
        .all(|o| !o.fe.we));
    assert!(outs[second_start + 1 + P].fe.we);
    check_bus_rules(&b.log);
}

#[test]
fn dropped_commands_stage_nothing() {
    let cfg = default_config();
    for (row, col, count) in [(25u8, 0u8, 1u8), (0, 5, 1), (255, 255, 1), (3, 3, 0)] {
        let mut b = Bench::new(false);
        let k0 = b.log.len();
        b.command(&cfg, false, row, col, true, count);
        b.run_idle(&cfg, 20);
        let outs = b.outs(k0);
        assert!(
            outs.iter().all(|o| !o.fe.we && !o.fe.apply),
            "{row} {col} {count}"
        );
        assert_eq!(outs.len(), 2, "taken, dropped, idle");
    }
}

/// A READ requested during a PROGRAM waits for it (and its ground staging);
/// a command handed over during a READ waits for `read_done`.
#[test]
fn read_never_overlaps_an_apply() {
    let cfg = XbarInputs {
        width: 20,
        interval: 10,
        ..default_config()
    };
    let mut b = Bench::new(false);
    let k0 = b.log.len();
    b.command(&cfg, false, 1, 1, true, 2);
    for _ in 0..S + 10 {
        b.cycle(cfg.clone());
    }
    assert!(b.last.fe.apply);
    b.cycle(XbarInputs {
        read_start: true,
        row_mask: 0b1011,
        ..cfg.clone()
    });
    // a command during the read
    for _ in 0..80 {
        b.cycle(cfg.clone());
    }
    b.command(&cfg, false, 2, 2, false, 1);
    b.run_idle(&cfg, 2_000);
    let outs = b.outs(k0);
    let samples: Vec<usize> = (0..outs.len()).filter(|&k| outs[k].fe.sample).collect();
    let done: Vec<usize> = (0..outs.len()).filter(|&k| outs[k].read_done).collect();
    assert_eq!((samples.len(), done.len()), (1, 1));
    // the READ's staging starts after the program's ground staging
    let apply_runs = runs(&outs, |o| o.fe.apply);
    assert_eq!(apply_runs, vec![20, 20, 3 + 1, 20]);
    let read_stage = (0..outs.len())
        .find(|&k| outs[k].fe.we && outs[k].fe.mode == 2)
        .unwrap()
        - N_ROWS;
    let ground_end = (0..read_stage).rev().find(|&k| outs[k].fe.we).unwrap();
    // one IDLE cycle in between (`idle` stays low: the read is pending)
    assert_eq!(
        ground_end + 2,
        read_stage,
        "read right after the ground burst"
    );
    assert!(!outs[ground_end + 1].idle && !outs[ground_end + 1].fe.we);
    // the second command's staging starts after read_done
    let next_stage = (done[0]..outs.len()).find(|&k| outs[k].fe.we).unwrap();
    assert!(next_stage > done[0]);
    check_bus_rules(&b.log);
}

/// Bus events with their simulated times.
fn events(b: &Bench) -> Vec<(u64, String)> {
    let mut ev = Vec::new();
    let mut apply = false;
    for (_, o, t) in &b.log {
        if o.fe.we {
            ev.push((*t, format!("stage {} {} {}", o.fe.ch, o.fe.mode, o.fe.code)));
        }
        if o.fe.apply != apply {
            ev.push((*t, format!("apply {}", o.fe.apply)));
            apply = o.fe.apply;
        }
        if o.fe.sample {
            ev.push((*t, "sample".into()));
        }
        if o.read_done {
            ev.push((*t, format!("read_done {:?}", o.col_code)));
        }
        if o.pulse {
            ev.push((*t, format!("pulse {}", o.pulse_col)));
        }
    }
    ev
}

/// Long waits: a 100 ms (10^7-cycle) programming pulse pair, warped in a
/// handful of clocked cycles; and warp vs plain clocking give the same bus
/// events at the same simulated times.
#[test]
fn warp_keeps_bus_event_times() {
    let cfg = XbarInputs {
        width: 10_000_000,
        interval: 1_000_000,
        ..default_config()
    };
    let mut b = Bench::new(true);
    let k0 = b.log.len();
    b.command(&cfg, false, 4, 0, true, 2);
    b.run_idle(&cfg, 500);
    let (mut t_rise, mut highs, mut lows) = (0, Vec::new(), Vec::new());
    let mut prev = false;
    for (_, o, t) in &b.log[k0..] {
        if o.fe.apply != prev {
            if prev {
                highs.push(t - t_rise);
            } else if t_rise > 0 {
                lows.push(t - t_rise);
            }
            t_rise = *t;
            prev = o.fe.apply;
        }
    }
    assert_eq!(highs, vec![10_000_000, 10_000_000]);
    assert_eq!(lows, vec![1_000_000]);
    assert!(
        b.log.len() - k0 < 2 * S + 20,
        "clocked {} cycles",
        b.log.len() - k0
    );

    // the same mixed sequence, warped and plain
    let cfg = XbarInputs {
        width: 3_000,
        interval: 5_000,
        settle: 700,
        refresh_width: 900,
        ..default_config()
    };
    let run = |warp: bool| {
        let mut b = Bench::new(warp);
        b.cycle(XbarInputs {
            read_start: true,
            row_mask: 0x155_5555,
            ..cfg.clone()
        });
        b.run_idle(&cfg, 100_000);
        b.command(&cfg, false, 9, 3, true, 3);
        b.run_idle(&cfg, 100_000);
        b.command(&cfg, true, 9, 3, true, 0);
        b.run_idle(&cfg, 100_000);
        b.cycle(XbarInputs {
            read_start: true,
            row_mask: 0x0AA_AAAA,
            ..cfg.clone()
        });
        b.run_idle(&cfg, 100_000);
        check_bus_rules(&b.log);
        (events(&b), b.log.len(), b.t)
    };
    let (ev_w, clocked_w, t_w) = run(true);
    let (ev_p, clocked_p, t_p) = run(false);
    assert_eq!(t_w, t_p);
    assert_eq!(ev_w, ev_p);
    assert!(
        clocked_w * 20 < clocked_p,
        "warp {clocked_w} vs plain {clocked_p} cycles"
    );
}

/// The end of a READ, then the end of a V/3 PROGRAM's staging, its two
/// pulses and the start of the ground staging.
#[test]
fn waveform_snapshot() {
    use neuroxbar_cosim::wave::{RenderOptions, Waveform};
    let cfg = XbarInputs {
        settle: 2,
        width: 2,
        interval: 2,
        ..default_config()
    };
    let mut b = Bench::new(false);
    b.cycle(XbarInputs {
        read_start: true,
        row_mask: 0b1 << 24,
        ..cfg.clone()
    });
    b.run_idle(&cfg, 200);
    let read_end = b.log.len();
    b.command(&cfg, false, 24, 0, true, 2);
    b.run_idle(&cfg, 200);
    let log = &b.log;
    let col = |f: &dyn Fn(&XbarInputs, &XbarOutputs) -> u64| -> Vec<u64> {
        log.iter().map(|(i, o, _)| f(i, o)).collect()
    };
    let rows = vec![
        (
            "read_start".to_string(),
            1u32,
            col(&|i, _| i.read_start as u64),
        ),
        ("cmd_valid".to_string(), 1, col(&|i, _| i.cmd_valid as u64)),
        ("cmd_ready".to_string(), 1, col(&|_, o| o.cmd_ready as u64)),
        ("fe_we".to_string(), 1, col(&|_, o| o.fe.we as u64)),
        ("fe_ch".to_string(), 8, col(&|_, o| o.fe.ch as u64)),
        ("fe_mode".to_string(), 2, col(&|_, o| o.fe.mode as u64)),
        (
            "fe_code".to_string(),
            12,
            col(&|_, o| o.fe.code as u16 as u64 & 0xFFF),
        ),
        ("fe_apply".to_string(), 1, col(&|_, o| o.fe.apply as u64)),
        ("fe_sample".to_string(), 1, col(&|_, o| o.fe.sample as u64)),
        ("fe_busy".to_string(), 1, col(&|i, _| i.fe.busy as u64)),
        (
            "fe_rd_valid".to_string(),
            1,
            col(&|i, _| i.fe.rd_valid as u64),
        ),
        ("read_done".to_string(), 1, col(&|_, o| o.read_done as u64)),
        ("pulse".to_string(), 1, col(&|_, o| o.pulse as u64)),
        ("wait_left".to_string(), 4, col(&|_, o| o.wait_left as u64)),
        ("idle".to_string(), 1, col(&|_, o| o.idle as u64)),
    ];
    let w = Waveform::from_cycles(&rows);
    let read = w.render(&RenderOptions {
        from: Some((2 + S - 3) as _),
        to: Some(read_end as _),
        ..Default::default()
    });
    let prog = w.render(&RenderOptions {
        from: Some((read_end + S - 5) as _),
        to: Some((read_end + S + 12) as _),
        ..Default::default()
    });
    insta::assert_snapshot!(format!("READ\n{read}\nPROGRAM row 24 col 0, V/3\n{prog}"));
}

/// A READ drives its rows at `v_read` clamped into the safe window (a host
/// value outside it never reaches the bus), and grounds them when the window
/// is empty.
#[test]
fn read_level_is_clamped_into_the_safe_window() {
    for (v_read, safe_min, safe_max, want) in [
        (25i16, -1000i16, 1000i16, Some(25i16)),
        (1500, -1000, 1000, Some(1000)),
        (-2048, -1000, 1000, Some(-1000)),
        (25, 100, 1000, Some(100)),
        (25, 10, -10, None),
    ] {
        let cfg = XbarInputs {
            v_read,
            safe_min,
            safe_max,
            ..default_config()
        };
        let mut b = Bench::new(false);
        let k0 = b.log.len();
        b.cycle(XbarInputs {
            read_start: true,
            row_mask: 1 << 2,
            ..cfg.clone()
        });
        b.run_idle(&cfg, 200);
        let w = writes(&b.outs(k0));
        let (_, mode, code) = w[2];
        match want {
            Some(c) => assert_eq!(
                (mode, code),
                (1, c),
                "v_read {v_read} in [{safe_min}, {safe_max}]"
            ),
            None => assert_eq!((mode, code), (0, 0), "empty window"),
        }
        check_bus_rules(&b.log);
    }
}

/// One READ in the amplitude-code mode: a code memory `codes` answers the
/// controller's `row_addr` in the next cycle on `row_code`; returns the
/// staging writes.
fn amplitude_read(
    cfg: &XbarInputs,
    mask: u128,
    codes: &[i16],
    row_amp: bool,
) -> Vec<(u8, u8, i16)> {
    let mut b = Bench::new(false);
    let k0 = b.log.len();
    let at = |ch: u8| codes.get(ch as usize).copied().unwrap_or(0);
    b.cycle(XbarInputs {
        read_start: true,
        row_mask: mask,
        row_amp,
        row_code: at(b.last.row_addr),
        ..cfg.clone()
    });
    for _ in 0..200 {
        let o = b.cycle(XbarInputs {
            row_amp,
            row_code: at(b.last.row_addr),
            ..cfg.clone()
        });
        if o.idle && b.resp.quiet() {
            break;
        }
    }
    check_bus_rules(&b.log);
    writes(&b.outs(k0))
}

#[test]
fn amplitude_mode_drives_each_row_at_its_own_code_clamped_into_the_window() {
    let cfg = XbarInputs {
        safe_min: -1000,
        safe_max: 1000,
        ..default_config()
    };
    // distinct codes per row, two of them outside the window
    let mut codes: Vec<i16> = (0..N_ROWS as i16).map(|i| 15 * i - 100).collect();
    codes[4] = 1500;
    codes[7] = -2048;
    let mask: u128 = !(1u128 << 3) & ((1u128 << N_ROWS) - 1);
    let w = amplitude_read(&cfg, mask, &codes, true);
    assert_eq!(w.len(), S);
    for (ch, &(c, mode, code)) in w.iter().enumerate() {
        assert_eq!(c as usize, ch);
        let want = if ch >= N_ROWS {
            (2, 0)
        } else if (mask >> ch) & 1 == 1 {
            (1, codes[ch].clamp(-1000, 1000))
        } else {
            (0, 0)
        };
        assert_eq!((mode, code), want, "channel {ch}");
    }
    assert_eq!(w[4].2, 1000, "clamped to safe_max");
    assert_eq!(w[7].2, -1000, "clamped to safe_min");
    // the same codes with the mode off: every masked row at v_read
    let w = amplitude_read(&cfg, mask, &codes, false);
    for (ch, &(_, mode, code)) in w.iter().enumerate().take(N_ROWS) {
        let want = if (mask >> ch) & 1 == 1 {
            (1, 25)
        } else {
            (0, 0)
        };
        assert_eq!((mode, code), want, "channel {ch}, mode off");
    }
    // an empty window grounds every row in the amplitude mode too
    let empty = XbarInputs {
        safe_min: 10,
        safe_max: -10,
        ..cfg
    };
    let w = amplitude_read(&empty, mask, &codes, true);
    assert!(w[..N_ROWS].iter().all(|&(_, m, c)| (m, c) == (0, 0)));
}
