//! Front-end PHY (`FrontEndPhy<30, 5>`): Verilator, rust-hdl `simulate()`
//! and the golden model agree every cycle on random bus and ADC stimulus;
//! the pin timing (frame, latency, pulse width, CONVST, SPI read) is as
//! documented in `rtl/src/fe_phy.rs`.

use neuroxbar_cosim::units::fe_phy::*;
use neuroxbar_cosim::units::three_way;
use neuroxbar_cosim::Trace;
use neuroxbar_models::golden::fe_bus::FeDrive;
use neuroxbar_models::golden::fe_phy::{dac_word, PhyInputs, PhyOutputs, PHY_LATENCY};

#[test]
fn random_stimulus_lockstep() {
    let (mut frames, mut beats, mut convs, mut applies) = (0u64, 0u64, 0u64, 0u64);
    let mut errors = 0u8;
    random_lockstep(
        &mut GoldenPhy::default(),
        &mut VerilatorPhy::new(Trace::Off).unwrap(),
        &mut RustHdlPhy::default(),
        0x5eed_00f1,
        200_000,
        |o| *o,
        |last, g| {
            frames += (last.dac_cs && !g.dac_cs) as u64;
            convs += (!last.adc_convst && g.adc_convst) as u64;
            applies += (!last.apply && g.apply) as u64;
            beats += g.fe.rd_valid as u64;
            errors |= g.phy_error;
        },
    );
    // the stimulus reaches every feature
    assert!(frames > 100, "frames: {frames}");
    assert!(applies > 300, "apply pulses: {applies}");
    assert!(convs > 50, "conversions: {convs}");
    assert!(beats > 100, "result beats: {beats}");
    println!(
        "frames {frames} applies {applies} conversions {convs} beats {beats} errors {errors:#b}"
    );
    assert_eq!(errors, 7, "every error bit seen at least once");
}

fn idle() -> PhyInputs {
    PhyInputs::default()
}

/// Indices of the cycles where `f` holds.
fn cycles(outs: &[PhyOutputs], f: impl Fn(&PhyOutputs) -> bool) -> Vec<usize> {
    (0..outs.len()).filter(|&k| f(&outs[k])).collect()
}

/// One batch (every line staged), a 5-cycle pulse with a sample in its last
/// cycle, then an ADC that answers: the pins, cycle by cycle, on all three
/// back ends. Output `k` is the pins during cycle `k + 1` of input `k`.
#[test]
fn frame_latency_width_and_read_timing() {
    let mut s = vec![
        PhyInputs {
            reset: true,
            ..idle()
        };
        2
    ];
    for ch in 0..N_LINES as u8 {
        // rows drive at -5 * ch, columns sense
        if (ch as usize) < N_LINES - N_COLS {
            s.push(PhyInputs::stage(ch, 1, -5 * ch as i16));
        } else {
            s.push(PhyInputs::stage(ch, 2, 0));
        }
    }
    let c_r = s.len(); // the cycle where fe_apply rises
    for k in 0..5 {
        s.push(PhyInputs {
            fe: FeDrive {
                apply: true,
                sample: k == 4,
                ..idle().fe
            },
            ..idle()
        });
    }
    // the ADC: BUSY from convst + 1 for 400 cycles (driven open loop below),
    // DOUTA constant 1 then 0
    let convst_at = c_r + 4 + PHY_LATENCY as usize; // input cycle index of CONVST rising
    while s.len() < convst_at + 900 {
        let k = s.len();
        s.push(PhyInputs {
            adc_busy: k > convst_at && k <= convst_at + 400,
            adc_douta: k % 12 < 6,
            ..idle()
        });
    }
    let outs = three_way(
        &mut GoldenPhy::default(),
        &mut VerilatorPhy::new(Trace::Off).unwrap(),
        &mut RustHdlPhy::default(),
        &s,
    );
    // outs[k] = pins during cycle k + 1
    let low_cs = cycles(&outs, |o| !o.dac_cs);
    assert_eq!(
        low_cs.first(),
        Some(&c_r),
        "CS falls at the edge ending c_r"
    );
    assert_eq!(low_cs.len(), 33, "CS low for FRAME_CYCLES cycles");
    assert_eq!(*low_cs.last().unwrap(), c_r + 32);
    let rises: Vec<usize> = (1..outs.len())
        .filter(|&k| outs[k].dac_sclk && !outs[k - 1].dac_sclk)
        .collect();
    assert_eq!(rises.len(), 16, "16 SCLK rising edges");
    assert_eq!(rises[0], c_r + 1);
    // the words shifted out: bit b of line i at the rising edge of bit b
    for i in 0..N_LINES {
        let code = if i < N_LINES - N_COLS {
            -5 * i as i16
        } else {
            0
        };
        let word = rises
            .iter()
            .fold(0u16, |w, &k| (w << 1) | ((outs[k].dac_sdi >> i) & 1) as u16);
        assert_eq!(word, dac_word(code), "line {i}");
    }
    // the muxes switch with the CS rising edge, 30 cycles before the pulse
    let mux = cycles(&outs, |o| o.mux_a1 != 0 || o.mux_a0 != 0);
    assert_eq!(mux.first(), Some(&(c_r + 33)));
    assert_eq!(outs[c_r + 33].mux_a1, 0x1F << 25, "columns sense");
    assert_eq!(outs[c_r + 33].mux_a0, (1 << 25) - 1, "rows drive");
    // apply = fe_apply 64 cycles later, same width
    let apply = cycles(&outs, |o| o.apply);
    let first = c_r + PHY_LATENCY as usize - 1;
    assert_eq!(apply, (first..first + 5).collect::<Vec<_>>());
    // CONVST 64 cycles after the sample strobe, 3 cycles, while applied
    let conv = cycles(&outs, |o| o.adc_convst);
    assert_eq!(conv, vec![first + 4, first + 5, first + 6]);
    // the read: CS low after BUSY fell (2-flip-flop synchronizer), 80 bits
    let adc_cs = cycles(&outs, |o| !o.adc_cs);
    let busy_fall = convst_at + 401; // first input cycle with BUSY low again
    assert_eq!(adc_cs.first(), Some(&(busy_fall + 2)));
    assert_eq!(
        adc_cs.len(),
        80 * 6 - 1,
        "CS low from the first to the last bit + 1"
    );
    // 5 result beats, one per cycle, right after CS rose
    let beats = cycles(&outs, |o| o.fe.rd_valid);
    let end = *adc_cs.last().unwrap();
    assert_eq!(beats, (end + 2..end + 7).collect::<Vec<_>>());
    for (j, &k) in beats.iter().enumerate() {
        assert_eq!(outs[k].fe.rd_ch as usize, N_LINES - N_COLS + j);
    }
    assert!(outs.iter().all(|o| o.phy_error == 0));
    // fe_busy until the results are out, not after
    assert!(outs[c_r..end + 6].iter().all(|o| o.fe.busy));
    assert!(!outs[end + 6].fe.busy);
}

/// A second pulse of the same batch starts no frame; a new batch too soon
/// after a staged edge sets error bit 0 and keeps the old levels.
#[test]
fn train_without_staging_starts_no_frame_and_overrun_is_flagged() {
    let mut s = vec![
        PhyInputs {
            reset: true,
            ..idle()
        };
        2
    ];
    s.push(PhyInputs::stage(3, 1, 100));
    for _ in 0..3 {
        s.push(PhyInputs {
            fe: FeDrive {
                apply: true,
                ..idle().fe
            },
            ..idle()
        });
        s.push(idle());
    }
    // staged again and applied 10 cycles after the first edge: overrun
    s.push(PhyInputs::stage(3, 1, 200));
    s.push(PhyInputs {
        fe: FeDrive {
            apply: true,
            ..idle().fe
        },
        ..idle()
    });
    s.extend(std::iter::repeat_n(idle(), 120));
    let outs = three_way(
        &mut GoldenPhy::default(),
        &mut VerilatorPhy::new(Trace::Off).unwrap(),
        &mut RustHdlPhy::default(),
        &s,
    );
    let frames = (1..outs.len())
        .filter(|&k| !outs[k].dac_cs && outs[k - 1].dac_cs)
        .count();
    assert_eq!(frames, 1);
    let k = cycles(&outs, |o| o.phy_error != 0);
    assert_eq!(
        k.first(),
        Some(&(2 + 1 + 6 + 1)),
        "flagged at the second staged edge"
    );
    assert_eq!(outs.last().unwrap().phy_error, 1);
    let pulses = (1..outs.len())
        .filter(|&k| outs[k].apply && !outs[k - 1].apply)
        .count();
    assert_eq!(pulses, 4, "every fe_apply pulse still reaches the pin");
}

/// Two lines staged (line 0 drive at 0x123, line 29 sense), a 3-cycle pulse
/// with a sample in its last cycle: the frame, the mux switch, the delayed
/// pulse and CONVST (inputs in the cycle they are applied, outputs in the
/// cycle of the edge that set them).
#[test]
fn waveform_snapshot() {
    use neuroxbar_cosim::wave::{RenderOptions, Waveform};
    let mut s = vec![
        PhyInputs {
            reset: true,
            ..idle()
        };
        2
    ];
    s.push(PhyInputs::stage(0, 1, 0x123));
    s.push(PhyInputs::stage(29, 2, 0));
    for k in 0..3 {
        s.push(PhyInputs {
            fe: FeDrive {
                apply: true,
                sample: k == 2,
                ..idle().fe
            },
            ..idle()
        });
    }
    s.extend(std::iter::repeat_n(idle(), 72));
    let outs = three_way(
        &mut GoldenPhy::default(),
        &mut VerilatorPhy::new(Trace::Off).unwrap(),
        &mut RustHdlPhy::default(),
        &s,
    );
    let inp = |f: &dyn Fn(&PhyInputs) -> u64| s.iter().map(f).collect::<Vec<u64>>();
    let col = |f: &dyn Fn(&PhyOutputs) -> u64| outs.iter().map(f).collect::<Vec<u64>>();
    let rows = vec![
        ("fe_we".to_string(), 1u32, inp(&|i| i.fe.we as u64)),
        ("fe_apply".to_string(), 1, inp(&|i| i.fe.apply as u64)),
        ("fe_sample".to_string(), 1, inp(&|i| i.fe.sample as u64)),
        ("dac_cs".to_string(), 1, col(&|o| o.dac_cs as u64)),
        ("dac_sclk".to_string(), 1, col(&|o| o.dac_sclk as u64)),
        ("dac_sdi0".to_string(), 1, col(&|o| o.dac_sdi & 1)),
        (
            "mux0".to_string(),
            2,
            col(&|o| (o.mux_a1 & 1) << 1 | (o.mux_a0 & 1)),
        ),
        (
            "mux29".to_string(),
            2,
            col(&|o| (o.mux_a1 >> 29 & 1) << 1 | (o.mux_a0 >> 29 & 1)),
        ),
        ("apply".to_string(), 1, col(&|o| o.apply as u64)),
        ("adc_convst".to_string(), 1, col(&|o| o.adc_convst as u64)),
        ("fe_busy".to_string(), 1, col(&|o| o.fe.busy as u64)),
    ];
    insta::assert_snapshot!(Waveform::from_cycles(&rows).render(&RenderOptions {
        from: Some(2),
        ..RenderOptions::default()
    }));
}

/// A REFRESH as the controller runs it with `S` lines: `S` staging writes, a
/// 1-cycle pulse, 3 PG_PREP cycles, `S` staging writes, the second pulse.
/// The second frame starts for `S = 29` (`w + S + 4 >= 34`) and is an
/// overrun for `S = 28`.
#[test]
fn refresh_gap_needs_29_lines_at_width_1() {
    for (s_lines, error) in [(30usize, 0u8), (29, 0), (28, 1)] {
        let mut s = vec![
            PhyInputs {
                reset: true,
                ..idle()
            };
            2
        ];
        for batch in 0..2 {
            for ch in 0..s_lines {
                s.push(PhyInputs::stage(ch as u8, 1, 10 + batch));
            }
            s.push(PhyInputs {
                fe: FeDrive {
                    apply: true,
                    ..idle().fe
                },
                ..idle()
            });
            s.extend(std::iter::repeat_n(idle(), 4)); // done cycle + 3 PG_PREP
        }
        s.extend(std::iter::repeat_n(idle(), 100));
        let outs = three_way(
            &mut GoldenPhy::default(),
            &mut VerilatorPhy::new(Trace::Off).unwrap(),
            &mut RustHdlPhy::default(),
            &s,
        );
        assert_eq!(outs.last().unwrap().phy_error, error, "S = {s_lines}");
        let frames = (1..outs.len())
            .filter(|&k| !outs[k].dac_cs && outs[k - 1].dac_cs)
            .count();
        assert_eq!(frames, 2 - error as usize, "S = {s_lines}");
    }
}
