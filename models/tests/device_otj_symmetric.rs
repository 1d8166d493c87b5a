//! `otj` symmetric STDP window (devices.md s2): `dW = A exp(-dt^2/tau3^2) + W0`,
//! A = 88.0 %, tau3 = 3.3 us, from symmetric pre/post spikes whose overlap
//! crosses the device's 1.8 V STM->LTM threshold (`neuroxbar device otj stdp-symmetric`).

use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::protocol::{self, Options, Protocol};

#[test]
fn otj_symmetric_stdp_window() {
    let spec = DeviceSpec::load(DeviceKind::Otj, None).expect("built-in parameters");
    let r = protocol::run(
        Protocol::StdpSymmetric,
        &spec,
        &Options {
            seed: 1,
            cycles: None,
        },
    )
    .expect("protocol runs");
    let m = &r.metrics;
    for (key, target) in [("a_sym", 88.0), ("tau3_s", 3.3e-6)] {
        let v = m[key];
        println!(
            "otj symmetric STDP: {key} = {v:.4e} (target {target:.4e}, {:+.1} %)",
            100.0 * (v - target) / target
        );
        assert!(
            (v - target).abs() <= 0.15 * target,
            "{key} = {v} vs {target}"
        );
    }
    println!("otj symmetric STDP: w0_sym = {:.3} %", m["w0_sym"]);
    assert!(m["w0_sym"].abs() < 0.1 * m["a_sym"], "offset small vs A");
    // symmetric in dt; a lone spike (large |dt|) leaves almost no non-volatile change
    let d = &r.series[0];
    let n = d.x.len();
    for i in 0..n / 2 {
        assert!(
            (d.y[i] - d.y[n - 1 - i]).abs() < 0.1 * m["a_sym"],
            "not symmetric at {}",
            d.x[i]
        );
    }
    assert!(d.y[0].abs() < 0.1 * m["a_sym"] && d.y[n / 2] > 0.8 * m["a_sym"]);
}
