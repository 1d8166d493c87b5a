//! Input encoder (`InputEncoder<25>`): Verilator, rust-hdl `simulate()` and
//! the golden model agree every cycle; host, rate and latency coding behave.

use neuroxbar_cosim::units::first_mismatch;
use neuroxbar_cosim::units::input_encoder::*;
use neuroxbar_cosim::Trace;
use neuroxbar_models::golden::input_encoder::EncoderInputs;

fn three_way(stimulus: Vec<EncoderInputs>) -> Vec<EncoderOutputs> {
    neuroxbar_cosim::units::three_way(
        &mut GoldenEncoder::default(),
        &mut VerilatorEncoder::new(Trace::Off).unwrap(),
        &mut RustHdlEncoder::default(),
        &stimulus,
    )
}

fn base(mode: u8, intensity: Vec<u8>) -> EncoderInputs {
    EncoderInputs {
        reset: false,
        tick: false,
        present: false,
        mode,
        spikes_in: 0,
        intensity,
        ramp_step: 32,
        seed: 0xACE1,
    }
}

#[test]
fn random_stimulus_100k_cycles_lockstep() {
    let mut vl = VerilatorEncoder::new(Trace::Off).unwrap();
    let mut hdl = RustHdlEncoder::default();
    let mut gold = GoldenEncoder::default();
    let n = first_mismatch(
        &mut [&mut gold, &mut vl, &mut hdl],
        random_stimulus(0x5eed_0002, 100_000),
    )
    .unwrap_or_else(|(c, o)| panic!("cycle {c}: {o:?}"));
    assert_eq!(n, 100_000);
}

#[test]
fn latency_code_fires_each_row_once_brightest_first() {
    let intensity: Vec<u8> = (0..N_ROWS).map(|i| (i * 10) as u8).collect();
    let mut s = vec![EncoderInputs {
        reset: true,
        ..base(2, intensity.clone())
    }];
    s.push(EncoderInputs {
        present: true,
        ..base(2, intensity.clone())
    });
    for _ in 0..12 {
        s.push(EncoderInputs {
            tick: true,
            ..base(2, intensity.clone())
        });
    }
    let outs = three_way(s);
    let mut first_tick = vec![None; N_ROWS];
    let mut count = vec![0; N_ROWS];
    for (t, o) in outs.iter().filter(|o| o.valid).enumerate() {
        for i in 0..N_ROWS {
            if (o.row_spikes >> i) & 1 == 1 {
                count[i] += 1;
                first_tick[i].get_or_insert(t);
            }
        }
    }
    assert!(
        count.iter().all(|&c| c == 1),
        "each row fires exactly once: {count:?}"
    );
    // ramp step 32: row i fires at the first t with 32 t >= 255 - 10 i
    for i in 0..N_ROWS {
        let want = (255 - 10 * i as i64).max(0).div_euclid(32)
            + ((255 - 10 * i as i64).max(0) % 32 != 0) as i64;
        assert_eq!(first_tick[i], Some(want.min(8) as usize), "row {i}");
    }
}

#[test]
fn rate_code_probability_follows_intensity() {
    let intensity: Vec<u8> = (0..N_ROWS).map(|i| (i * 10) as u8).collect();
    let mut s = vec![EncoderInputs {
        reset: true,
        ..base(1, intensity.clone())
    }];
    for _ in 0..4000 {
        s.push(EncoderInputs {
            tick: true,
            ..base(1, intensity.clone())
        });
    }
    let outs = three_way(s);
    for i in [0usize, 5, 12, 24] {
        let n = outs
            .iter()
            .filter(|o| o.valid && (o.row_spikes >> i) & 1 == 1)
            .count();
        let p = n as f64 / 4000.0;
        let want = intensity[i] as f64 / 256.0;
        assert!((p - want).abs() < 0.03, "row {i}: rate {p} vs {want}");
    }
}

/// Latency coding of a 5x5 "T" with a ramp of 64 per tick, then rate coding.
#[test]
fn waveform_snapshot() {
    use neuroxbar_cosim::wave::{RenderOptions, Waveform};
    let t_letter: Vec<u8> = (0..N_ROWS)
        .map(|i| {
            if i < 5 || i % 5 == 2 {
                255
            } else if i % 5 == 1 {
                128
            } else {
                0
            }
        })
        .collect();
    let mut s = vec![EncoderInputs {
        reset: true,
        ..base(2, t_letter.clone())
    }];
    s.push(EncoderInputs {
        present: true,
        ramp_step: 64,
        ..base(2, t_letter.clone())
    });
    for _ in 0..6 {
        s.push(EncoderInputs {
            tick: true,
            ramp_step: 64,
            ..base(2, t_letter.clone())
        });
    }
    for _ in 0..6 {
        s.push(EncoderInputs {
            tick: true,
            ..base(1, t_letter.clone())
        });
    }
    let outs = three_way(s.clone());
    let rows = vec![
        (
            "tick".to_string(),
            1u32,
            s.iter().map(|i| i.tick as u64).collect::<Vec<_>>(),
        ),
        (
            "mode".to_string(),
            2,
            s.iter().map(|i| i.mode as u64).collect(),
        ),
        (
            "valid".to_string(),
            1,
            outs.iter().map(|o| o.valid as u64).collect(),
        ),
        (
            "spikes_0_4".to_string(),
            5,
            outs.iter().map(|o| (o.row_spikes & 0x1F) as u64).collect(),
        ),
        (
            "spikes_5_9".to_string(),
            5,
            outs.iter()
                .map(|o| ((o.row_spikes >> 5) & 0x1F) as u64)
                .collect(),
        ),
        (
            "spikes_10_14".to_string(),
            5,
            outs.iter()
                .map(|o| ((o.row_spikes >> 10) & 0x1F) as u64)
                .collect(),
        ),
    ];
    insta::assert_snapshot!(Waveform::from_cycles(&rows).render(&RenderOptions::default()));
}
