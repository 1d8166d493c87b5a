//! LiWES device-to-device variation: the long-term conductance step of one
//! programming pulse varies across devices by the paper's ~6.5 % (devices.md
//! section 3), with C2C and short-term responses switched off so that only
//! the D2D draw remains.

use neuroxbar_models::device::{DeviceKind, DeviceSpec};

#[test]
fn liwes_d2d_spread_of_dg_per_pulse_is_6_5_percent() {
    let text = DeviceKind::Liwes
        .default_params_toml()
        .lines()
        .map(|l| {
            if l.starts_with("c2c_sd") {
                "c2c_sd = 0.0".to_string()
            } else if l.starts_with("st_mode") {
                "st_mode = \"no-stp\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let spec = DeviceSpec::from_toml_str(DeviceKind::Liwes, &text, "liwes-d2d.toml").unwrap();
    let n = 2000;
    let dg: Vec<f64> = (0..n)
        .map(|seed| {
            let mut d = spec.instantiate(seed);
            let g0 = d.conductance_s();
            d.apply(0.5, 10e-3).unwrap();
            d.advance(10.0);
            d.conductance_s() - g0
        })
        .collect();
    let mean = dg.iter().sum::<f64>() / n as f64;
    let sd = (dg.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
    let cv = sd / mean;
    assert!(mean > 0.0, "a potentiating pulse potentiates");
    assert!(
        (cv - 0.065).abs() <= 0.15 * 0.065,
        "D2D spread of dG per pulse {cv:.4} (paper ~0.065)"
    );
}
