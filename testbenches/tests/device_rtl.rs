//! E6 through the hardware: PPF/PPD and the LTP/LTD curves with their pulses
//! emitted by the Verilated RTL pulse generator give the same metrics as the
//! device models driven directly (the protocols' pulses are whole 10 ns
//! cycles and 4 mV DAC steps, so only the rounding of the logarithmic PPF
//! intervals to whole cycles differs).

use std::collections::BTreeMap;

use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::protocol::{self, Direct, Options, Protocol, ProtocolError};
use neuroxbar_testbenches::device_rtl::RtlPulseDriver;

fn both(kind: DeviceKind, p: Protocol) -> (BTreeMap<String, f64>, BTreeMap<String, f64>, u64) {
    let spec = DeviceSpec::load(kind, None).unwrap();
    let opts = Options {
        seed: 4,
        cycles: None,
    };
    let direct = protocol::run_with(p, &spec, &opts, &mut Direct).unwrap();
    let mut rtl = RtlPulseDriver::new().unwrap();
    let through = protocol::run_with(p, &spec, &opts, &mut rtl).unwrap();
    println!("{kind} {p}: {:?}", rtl.stats);
    assert!(
        rtl.stats.clocked_cycles < 20 * rtl.stats.pulses + 100,
        "{:?}",
        rtl.stats
    );
    assert_eq!(rtl.stats.clamped_trains, 0);
    (direct.metrics, through.metrics, rtl.stats.pulses)
}

fn same(kind: DeviceKind, p: Protocol, rel: f64, pulses: u64) {
    let (d, r, n) = both(kind, p);
    assert_eq!(n, pulses, "{kind} {p}: pulses through the generator");
    assert_eq!(d.keys().collect::<Vec<_>>(), r.keys().collect::<Vec<_>>());
    for (k, a) in &d {
        let b = r[k];
        let err = (a - b).abs() / a.abs().max(1e-30);
        println!("{kind} {p} {k}: direct {a:.6e}, rtl {b:.6e}");
        assert!(err <= rel, "{kind} {p} {k}: direct {a} vs rtl {b}");
    }
}

#[test]
fn ppf_and_ppd_through_the_pulse_generator() {
    // 32 intervals x 2 pulses (x 20 recordings for liwes); intervals up to
    // 3 - 4 s exceed the 24-bit interval register: the host waits instead
    same(DeviceKind::FtjRelax, Protocol::Ppf, 1e-4, 64);
    same(DeviceKind::FtjRelax, Protocol::Ppd, 1e-4, 64);
    same(DeviceKind::Liwes, Protocol::Ppf, 1e-4, 32 * 2 * 20);
}

#[test]
fn ltp_ltd_through_the_pulse_generator() {
    // whole-cycle widths and 4 mV amplitude steps: the same pulses (to
    // floating-point rounding of code x 4 mV and cycles x 10 ns)
    same(DeviceKind::FtjLinear, Protocol::LtpLtd, 1e-12, 300);
    same(DeviceKind::FtjReference, Protocol::LtpLtd, 1e-12, 300);
    same(DeviceKind::Otj, Protocol::LtpLtd, 1e-12, 40 * 100);
    same(DeviceKind::Liwes, Protocol::LtpLtd, 1e-12, 2048);
}

#[test]
fn pulses_the_generator_cannot_make_are_errors() {
    let spec = DeviceSpec::load(DeviceKind::FtjRelax, None).unwrap();
    let mut rtl = RtlPulseDriver::new().unwrap();
    let opts = Options::default();
    let e = protocol::run_with(Protocol::PulseTrain, &spec, &opts, &mut rtl).unwrap_err();
    assert!(matches!(e, ProtocolError::NotDriven { .. }), "{e}");
    assert!(e.to_string().contains("ppf"), "{e}");
    let mut d = spec.instantiate(1);
    use neuroxbar_models::protocol::PulseDriver;
    let e = rtl
        .train(d.as_mut(), 9.0, 1e-3, 1e-3, 1, &mut |_| {})
        .unwrap_err();
    assert!(e.to_string().contains("DAC range"), "{e}");
    let e = rtl
        .train(d.as_mut(), 1.0, 0.2, 1e-3, 1, &mut |_| {})
        .unwrap_err();
    assert!(e.to_string().contains("exceeds"), "{e}");
}
