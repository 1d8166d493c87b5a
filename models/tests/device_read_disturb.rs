//! Reads do not program: a 0.1 V read right after a programming pulse leaves
//! a non-volatile device's conductance where the pulse put it.

use neuroxbar_models::device::{DeviceKind, DeviceSpec};

#[test]
fn ftj_reads_after_programming_do_not_move_the_weight() {
    for kind in [DeviceKind::FtjLinear, DeviceKind::FtjReference] {
        let spec = DeviceSpec::load(kind, None).unwrap();
        for v_prog in [-3.0, -1.0, 1.0, 3.0] {
            let mut d = spec.instantiate(11);
            d.apply(v_prog, 1e-3).unwrap();
            let g0 = d.conductance_s();
            for _ in 0..20 {
                d.advance(1e-4);
                d.apply(0.1, 1e-6).unwrap();
            }
            let g1 = d.conductance_s();
            assert!(
                ((g1 - g0) / g0).abs() < 1e-9,
                "{kind} after {v_prog} V: {g0} -> {g1}"
            );
        }
    }
}
