//! E4 `digits-refresh`, reduced: a few test images and cycling histories
//! through the Verilated crossbar controller and refresh scheduler.

use neuroxbar_testbenches::digits_refresh::*;

fn reduced(device: &str, test_images: usize, max_cycles: f64) -> E4Config {
    E4Config {
        devices: vec![device.to_string()],
        test_images,
        max_cycles,
        epochs: 20,
        ..E4Config::full(1)
    }
}

#[test]
fn split_is_fixed_disjoint_and_complete() {
    let d = load_digits().unwrap();
    assert_eq!(d.labels.len(), N_IMAGES);
    let (train, test) = split();
    assert_eq!((train.len(), test.len()), (N_TRAIN, N_TEST));
    let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
    all.sort();
    assert_eq!(all, (0..N_IMAGES).collect::<Vec<_>>());
    assert_eq!(
        split(),
        (train, test),
        "the split does not depend on anything"
    );
}

#[test]
fn training_is_ternary_reproducible_and_learns() {
    let d = load_digits().unwrap();
    let (train_idx, test_idx) = split();
    let cfg = reduced("astrocyte", 10, 1.0);
    let a = train(&cfg, &d, &train_idx, &test_idx);
    let b = train(&cfg, &d, &train_idx, &test_idx);
    assert_eq!(a, b, "same seed, same network");
    assert!(a.w.iter().flatten().all(|&w| (-1..=1).contains(&w)));
    assert!(a.nonzero_fraction > 0.1 && a.nonzero_fraction < 0.9);
    assert!(a.test_accuracy > 0.8, "test accuracy {}", a.test_accuracy);
    let c = train(&E4Config { seed: 2, ..cfg }, &d, &train_idx, &test_idx);
    assert_ne!(a.w, c.w, "another seed, another initialisation");
}

#[test]
fn astrocyte_refresh_through_the_rtl_restores_linearity() {
    let cfg = reduced("astrocyte", 30, 1e8);
    let r = run_verilator(&cfg, &mut |_, _| {}).unwrap();
    let pt = |n: f64, refresh: bool| {
        r.points
            .iter()
            .find(|p| p.cycles == n && p.refresh == refresh)
            .unwrap()
    };
    let tiles = (ROW_TILES * COL_TILES) as u64;
    for p in &r.points {
        // the scheduler refreshes every cell once (budget spent by pass 1)
        let want = if p.refresh { tiles * 125 } else { 0 };
        assert_eq!(p.refresh_commands, want, "{} {}", p.cycles, p.refresh);
        assert_eq!(p.program_commands, tiles * 250);
        // two linearity reads and one per test image, per tile
        assert_eq!(p.reads, tiles * (2 + 30));
    }
    // the nonlinearity grown by 1e8 cycles is seen through the RTL ...
    let pristine = pt(1.0, false).iv_half_ratio;
    assert!(pristine > 0.41 && pristine < 0.43, "{pristine}");
    assert!(pt(1e8, false).iv_half_ratio < pristine - 0.02);
    // ... and the refresh pairs sent by the scheduler take it back
    assert!((pt(1e8, true).iv_half_ratio - pristine).abs() < 1e-3);
    // the RTL inference classifies like the network does in software with
    // the model's I-V at that point (3 of 30 images of slack for the
    // device-to-device spread and the ADC)
    let a0 = pt(1.0, false).value;
    assert!(a0 >= 0.75, "accuracy through the RTL {a0} (chance 0.1)");
    assert_eq!(
        pt(1.0, false).software_iv_accuracy,
        r.software_pristine_iv_accuracy
    );
    for p in &r.points {
        assert!(
            (p.value - p.software_iv_accuracy).abs() <= 0.1,
            "{} {}: {} vs {}",
            p.cycles,
            p.refresh,
            p.value,
            p.software_iv_accuracy
        );
    }
}

#[test]
fn n_astrocyte_ignores_the_refresh_and_stops_at_its_endurance() {
    let cfg = reduced("n-astrocyte", 5, 1e11);
    let r = run_verilator(&cfg, &mut |_, _| {}).unwrap();
    let cycles: Vec<f64> = r
        .points
        .iter()
        .filter(|p| !p.refresh)
        .map(|p| p.cycles)
        .collect();
    assert_eq!(cycles, vec![1e0, 1e1, 1e2, 1e3, 1e4, 1e5]);
    for p in r.points.iter().filter(|p| p.refresh) {
        let q = r
            .points
            .iter()
            .find(|q| !q.refresh && q.cycles == p.cycles)
            .unwrap();
        assert!(p.refresh_commands > 0);
        // no YSZ: the pairs reach the cells but leave the nonlinearity
        assert!(
            (p.iv_half_ratio - q.iv_half_ratio).abs() < 2e-3,
            "{}: {} vs {}",
            p.cycles,
            p.iv_half_ratio,
            q.iv_half_ratio
        );
    }
    let at = |n: f64| {
        r.points
            .iter()
            .find(|p| p.cycles == n && !p.refresh)
            .unwrap()
            .iv_half_ratio
    };
    assert!(at(1e3) < at(1e0) - 0.02, "{} vs {}", at(1e3), at(1e0));
}

#[test]
fn same_seed_same_run_other_seed_other_arrays() {
    let cfg = reduced("astrocyte", 8, 10.0);
    let key = |r: &E4Result| -> Vec<(Vec<usize>, u64, u64)> {
        r.points
            .iter()
            .map(|p| {
                (
                    p.predictions.clone(),
                    p.energy_j.to_bits(),
                    p.cycles_simulated,
                )
            })
            .collect()
    };
    let a = run_verilator(&cfg, &mut |_, _| {}).unwrap();
    let b = run_verilator(&cfg, &mut |_, _| {}).unwrap();
    assert_eq!(key(&a), key(&b));
    let c = run_verilator(&E4Config { seed: 7, ..cfg }, &mut |_, _| {}).unwrap();
    // other device-to-device draws: other array energies
    assert_ne!(
        a.points
            .iter()
            .map(|p| p.energy_j.to_bits())
            .collect::<Vec<_>>(),
        c.points
            .iter()
            .map(|p| p.energy_j.to_bits())
            .collect::<Vec<_>>()
    );
}
