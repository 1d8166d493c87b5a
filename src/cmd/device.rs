//! `neuroxbar device DEVICE PROTOCOL`: characterize a device model.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::stdout::outln;
use anyhow::Context;
use neuroxbar_models::device::{DeviceKind, DeviceSpec};
use neuroxbar_models::protocol::ltp_ltd::{self, PulseScheme};
use neuroxbar_models::protocol::{self, Direct, Options, Protocol, PulseDriver};
use neuroxbar_testbenches::device_rtl::{RtlPulseDriver, CLOCK_MHZ_RANGE, DEFAULT_CLOCK_MHZ};
use neuroxbar_testbenches::experiment::OutDir;
use neuroxbar_testbenches::report;

const AFTER_HELP: &str = "\
Devices: ftj-relax, otj, liwes, astrocyte, n-astrocyte, ftj-linear, ftj-reference.
Protocols: pulse-train, ppf, ppd, ltp-ltd, stdp, stdp-symmetric, relaxation, iv, set-compliance, reset-sweep,
endurance, energy, bcm
(not every protocol applies to every device; an inapplicable pair lists the valid ones).

Writes DIR/PROTOCOL.csv (series,x,y), DIR/PROTOCOL.svg (plot) and DIR/PROTOCOL.json
(flat metrics + device, protocol, seed, params, driver), all or none: DIR
appears only when complete. Default DIR: a fresh out/device-<DEVICE>-<PROTOCOL>-<n>;
an existing non-empty --out is refused unless --force. With --through-rtl, ppf, ppd and ltp-ltd take
their pulses from the Verilated RTL pulse generator (E6). --pulses selects the
LTP/LTD amplitude scheme of ftj-linear and ftj-reference: stepped (the default,
|2| -> |4.98| V in 20 mV steps, Yang 2022 Fig 2d) or identical (every pulse
|3| V, Fig S6).";

#[derive(clap::Args, Debug, Default)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Device model: ftj-relax, otj, liwes, astrocyte, n-astrocyte, ftj-linear, ftj-reference.
    #[arg(value_parser = parse_device)]
    pub device: Option<DeviceKind>,
    /// Protocol: pulse-train, ppf, ppd, ltp-ltd, stdp, stdp-symmetric, relaxation, iv, set-compliance,
    /// reset-sweep, endurance, energy, bcm.
    #[arg(value_parser = parse_protocol)]
    pub protocol: Option<Protocol>,
    /// Seed of D2D, C2C and read-noise variation (same seed, same numbers).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output folder [default: a fresh out/device-<DEVICE>-<PROTOCOL>-<n>].
    /// Must be absent or empty unless --force.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace a non-empty --out folder whole (only once the new results are
    /// complete).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Parameter file (TOML) replacing the built-in calibrated set.
    #[arg(long)]
    pub params: Option<PathBuf>,
    /// iv, set-compliance, reset-sweep only: switching-cycle count to jump to
    /// before measuring (iv: nonlinearity vs cycles).
    #[arg(long)]
    pub cycles: Option<u64>,
    /// Deliver the protocol's pulses through the Verilated RTL pulse generator
    /// (ppf, ppd, ltp-ltd): widths and gaps in whole cycles of the clock
    /// (--clock-mhz), amplitudes in 4 mV DAC codes, clamped to the device's
    /// safe window by the hardware.
    #[arg(long)]
    pub through_rtl: bool,
    /// With --through-rtl: the accelerator's clock, MHz, 0.1..=500 [default:
    /// 100]. Durations in seconds become whole cycles of it (rounded; the
    /// largest rounding is reported as `rtl_max_rounding_s`).
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub clock_mhz: Option<f64>,
    /// ltp-ltd of ftj-linear / ftj-reference only: amplitude scheme, stepped
    /// (the default, 2 -> 4.98 V in 20 mV steps) or identical (every pulse 3 V).
    #[arg(long, value_parser = parse_scheme)]
    pub pulses: Option<PulseScheme>,
}

/// The protocols `--cycles` applies to.
const CYCLES_PROTOCOLS: [Protocol; 3] =
    [Protocol::Iv, Protocol::SetCompliance, Protocol::ResetSweep];

fn parse_scheme(s: &str) -> Result<PulseScheme, String> {
    s.parse()
}

fn parse_device(s: &str) -> Result<DeviceKind, String> {
    s.parse()
}

fn parse_protocol(s: &str) -> Result<Protocol, String> {
    s.parse()
}

fn fmt_num(v: f64) -> String {
    format!("{v:e}")
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let kind = args
        .device
        .context("missing DEVICE (see `neuroxbar device --help`)")?;
    let proto = args.protocol.with_context(|| {
        let names: Vec<&str> = protocol::applicable(kind)
            .iter()
            .map(|p| p.name())
            .collect();
        format!("missing PROTOCOL; for {kind}: {}", names.join(", "))
    })?;
    let spec = DeviceSpec::load(kind, args.params.as_deref())?;
    let app = protocol::applicable(kind);
    if !app.contains(&proto) {
        return Err(protocol::ProtocolError::NotApplicable {
            device: kind,
            protocol: proto,
            applicable: app,
        }
        .into());
    }
    let opts = Options {
        seed: args.seed,
        cycles: args.cycles,
    };
    if args.pulses.is_some() && proto != Protocol::LtpLtd {
        anyhow::bail!("--pulses applies to the ltp-ltd protocol only (got {proto})");
    }
    if args.cycles.is_some() && !CYCLES_PROTOCOLS.contains(&proto) {
        anyhow::bail!(
            "--cycles does not apply to {proto} (only to {})",
            CYCLES_PROTOCOLS.map(|p| p.name()).join(", ")
        );
    }
    if args.through_rtl && !protocol::DRIVEN.contains(&proto) {
        anyhow::bail!(
            "--through-rtl does not apply to {proto} (only to {})",
            protocol::DRIVEN.map(|p| p.name()).join(", ")
        );
    }
    if let Some(c) = args.clock_mhz {
        if !args.through_rtl {
            anyhow::bail!(
                "--clock-mhz applies with --through-rtl only (the direct run has no clock)"
            );
        }
        if !CLOCK_MHZ_RANGE.contains(&c) {
            anyhow::bail!(
                "--clock-mhz {}: allowed range {} ..= {} MHz",
                neuroxbar_models::device::common::num(c),
                CLOCK_MHZ_RANGE.start(),
                CLOCK_MHZ_RANGE.end()
            );
        }
    }
    // the output folder is checked (and a default one reserved) before simulating
    let name = format!("device-{kind}-{proto}");
    let dir = OutDir::from_option(args.out.as_deref(), args.force, &name)?;
    let scheme = args.pulses;
    let run_direct = |driver: &mut dyn PulseDriver| match scheme {
        Some(_) => ltp_ltd::run_scheme(&spec, &opts, scheme, driver),
        None => protocol::run_with(proto, &spec, &opts, driver),
    };
    let mut rtl_json = None;
    let mut rtl_stats = None;
    let (res, driver) = if args.through_rtl {
        let clock_mhz = args.clock_mhz.unwrap_or(DEFAULT_CLOCK_MHZ);
        let mut rtl = RtlPulseDriver::with_clock_mhz(clock_mhz)
            .map_err(|e| anyhow::anyhow!("--clock-mhz: {e}"))?;
        let res = run_direct(&mut rtl)?;
        rtl_stats = Some(format!(
            "through the RTL pulse generator at {clock_mhz} MHz: {} pulses, {} cycles clocked, \
             {} warped, durations rounded by up to {:.3e} s",
            rtl.stats.pulses,
            rtl.stats.clocked_cycles,
            rtl.stats.warped_cycles,
            rtl.stats.max_rounding_s
        ));
        rtl_json = Some((clock_mhz, rtl.stats));
        (res, rtl.name())
    } else {
        let res = match scheme {
            Some(_) => run_direct(&mut Direct)?,
            None => protocol::run(proto, &spec, &opts)?,
        };
        (res, Direct.name())
    };

    let rows: Vec<Vec<String>> = res
        .series
        .iter()
        .flat_map(|s| {
            s.x.iter()
                .zip(&s.y)
                .map(move |(x, y)| vec![s.name.clone(), fmt_num(*x), fmt_num(*y)])
        })
        .collect();
    let header = ["series", res.x_label.as_str(), res.y_label.as_str()];
    let plot = report::LinePlot {
        title: res.title.clone(),
        x_label: res.x_label.clone(),
        y_label: res.y_label.clone(),
        log_x: res.log_x,
        log_y: res.log_y,
        series: res
            .series
            .iter()
            .map(|s| report::PlotSeries {
                name: s.name.clone(),
                points: s.x.iter().cloned().zip(s.y.iter().cloned()).collect(),
                line: s.line,
            })
            .collect(),
    };
    let svg = report::line_plot_svg(&plot).map_err(anyhow::Error::msg)?;
    let mut json: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for (k, v) in &res.metrics {
        let val = serde_json::Number::from_f64(*v)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null);
        json.insert(k.clone(), val);
    }
    if !res.missing.is_empty() {
        let mut reasons = serde_json::Map::new();
        for (k, why) in &res.missing {
            json.insert(k.clone(), serde_json::Value::Null);
            reasons.insert(k.clone(), why.clone().into());
        }
        json.insert("missing_metrics".into(), reasons.into());
    }
    let mut warnings: Vec<String> = vec![];
    if let (Some(n), Some(limit)) = (args.cycles, spec.endurance_cycles()) {
        if n as f64 > limit {
            warnings.push(format!(
                "--cycles {n} is beyond the endurance the paper reports for {kind} \
                 ({limit:e} cycles): the model extrapolates"
            ));
        }
    }
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    if !warnings.is_empty() {
        json.insert("warnings".into(), warnings.clone().into());
    }
    json.insert("device".into(), kind.name().into());
    json.insert("protocol".into(), proto.name().into());
    json.insert("seed".into(), args.seed.into());
    json.insert("params".into(), spec.source.clone().into());
    json.insert("driver".into(), driver.into());
    if let Some((clock_mhz, stats)) = rtl_json {
        json.insert("clock_mhz".into(), clock_mhz.into());
        json.insert("rtl_pulses".into(), stats.pulses.into());
        json.insert("rtl_clocked_cycles".into(), stats.clocked_cycles.into());
        json.insert("rtl_warped_cycles".into(), stats.warped_cycles.into());
        json.insert("rtl_max_rounding_s".into(), stats.max_rounding_s.into());
    }
    if proto == Protocol::LtpLtd && !ltp_ltd::schemes(kind).is_empty() {
        let s = scheme.unwrap_or(PulseScheme::Stepped);
        json.insert("pulses".into(), s.name().into());
    }

    let file = |dir: &std::path::Path, ext: &str| dir.join(proto.name()).with_extension(ext);
    let (csv_path, svg_path, json_path) = (
        file(dir.partial(), "csv"),
        file(dir.partial(), "svg"),
        file(dir.partial(), "json"),
    );
    report::write_csv(&csv_path, &header, &rows)
        .with_context(|| format!("writing {}", csv_path.display()))?;
    report::write_atomic(&svg_path, svg.as_bytes())
        .with_context(|| format!("writing {}", svg_path.display()))?;
    report::write_json(&json_path, &json)
        .with_context(|| format!("writing {}", json_path.display()))?;
    let dir = dir.commit()?;
    let (csv_path, svg_path, json_path) =
        (file(&dir, "csv"), file(&dir, "svg"), file(&dir, "json"));

    if let Some(stats) = rtl_stats {
        outln!("{stats}");
    }
    outln!(
        "{kind} {proto} (seed {}, params: {})",
        args.seed,
        spec.source
    );
    for (k, v) in &res.metrics {
        outln!("  {k:<36} {v:.6e}");
    }
    for (k, why) in &res.missing {
        outln!("  {k:<36} null ({why})");
    }
    outln!(
        "wrote {}, {}, {}",
        csv_path.display(),
        svg_path.display(),
        json_path.display()
    );
    Ok(())
}
