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

/// `liwes` is read at its channel: 0.1 V reads between gate pulses neither
/// program it nor restart its short-term response, so a device read every
/// millisecond follows exactly the conductance of one left alone.
#[test]
fn liwes_channel_reads_leave_the_short_term_response_alone() {
    let spec = DeviceSpec::load(DeviceKind::Liwes, None).unwrap();
    let mut read = spec.instantiate(5);
    let mut alone = spec.instantiate(5);
    for d in [&mut read, &mut alone] {
        d.apply(1.0, 200e-6).unwrap();
    }
    let g_peak = read.conductance_s();
    for k in 0..50 {
        read.advance(1e-3);
        read.apply(0.1, 1e-6).unwrap();
        alone.advance(1e-3 + 1e-6);
        let (a, b) = (read.conductance_s(), alone.conductance_s());
        assert!(((a - b) / b).abs() < 1e-12, "read {k}: {a} vs {b}");
    }
    // the short-term part did decay meanwhile (the reads did not freeze it)
    assert!(read.conductance_s() < g_peak * 0.99);
}
