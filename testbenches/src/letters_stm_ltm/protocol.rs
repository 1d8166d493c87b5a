//! E5 through the crossbar controller: reset, the three letters pixel by
//! pixel with their reads, the 500 s retention read.

use super::metrics::{g_nv_map, mean_where};
use super::readout::{read_map, read_row, PixelMap};
use super::*;

/// Run E5 through the Verilated crossbar controller.
pub fn run_verilator(cfg: &E5Config) -> Result<E5Result, ExperimentError> {
    run_verilator_traced(cfg, neuroxbar_cosim::Trace::Off)
}

/// [`run_verilator`] writing a VCD of the controller (time-stamped in
/// simulated time; a window counts clocked cycles).
pub fn run_verilator_traced(
    cfg: &E5Config,
    trace: neuroxbar_cosim::Trace,
) -> Result<E5Result, ExperimentError> {
    run_verilator_analog(cfg, trace, None)
}

/// [`run_verilator_traced`] with the analog side in the VCD (`analog` scope:
/// line voltages, column currents and the conductances of `probes`; see
/// [`neuroxbar_cosim::analog`]) when a VCD is written and `probes` is given.
pub fn run_verilator_analog(
    cfg: &E5Config,
    trace: neuroxbar_cosim::Trace,
    probes: Option<&neuroxbar_cosim::analog::Probes>,
) -> Result<E5Result, ExperimentError> {
    use neuroxbar_cosim::Trace;
    let (vcd, window) = match &trace {
        Trace::Off => (None, None),
        Trace::Whole(p) => (Some(p.clone()), None),
        Trace::Window { path, from, to } => (Some(path.clone()), Some((*from, *to))),
    };
    let analog = match (&vcd, probes) {
        (Some(v), Some(p)) => Some((
            neuroxbar_cosim::analog::AnalogTrace::new(v, N_ROWS, N_COLS, p)
                .map_err(neuroxbar_cosim::cosim::CoSimError::Analog)?,
            window,
        )),
        _ => None,
    };
    // the VCD's clock period is the front-end's (set when the bench binds it)
    let dut = VerilatorXbar::new(trace)?;
    // the bench (and with it the VCD) is closed when run_with returns
    let (res, analog) = run_with(dut, cfg, analog)?;
    if let (Some((a, _)), Some(v)) = (analog, &vcd) {
        a.merge_into(v)
            .map_err(neuroxbar_cosim::cosim::CoSimError::Analog)?;
    }
    Ok(res)
}

/// Run E5 on any back end of the crossbar controller.
pub fn run_on<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    dut: B,
    cfg: &E5Config,
) -> Result<E5Result, ExperimentError> {
    run_with(dut, cfg, None).map(|r| r.0)
}

/// [`run_on`] recording `analog`, given back at the end.
fn run_with<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    dut: B,
    cfg: &E5Config,
    analog: Option<AnalogRecording>,
) -> Result<(E5Result, Option<AnalogRecording>), ExperimentError> {
    let kind: DeviceKind = cfg.device.parse().map_err(ExperimentError::Device)?;
    let spec = DeviceSpec::load(kind, None)?;
    let params = crate::experiment::fe_params(cfg.clock_mhz)?;
    let fe = FrontEnd::from_spec(&spec, N_ROWS, N_COLS, params.clone(), cfg.seed)
        .map_err(|e| ExperimentError::Device(e.to_string()))?;
    let lsb_v = params.dac_lsb_volts;
    let period = params.clock_period_s;
    let width = whole_cycles(cfg.pulse_width_s, period);
    let reset_width = whole_cycles(cfg.reset_width_s, period);
    if width == 0 || reset_width == 0 || reset_width >= 1 << 24 {
        return Err(ExperimentError::option(
            "pulse_width_s",
            cfg.pulse_width_s,
            "allowed range 1 ..= 2^24 - 1 cycles of the clock",
        ));
    }
    let xcfg = XbarInputs {
        v_read: dac_code("read_v", cfg.read_v, lsb_v)?,
        settle: params.dac_settle_cycles().max(1) as u16,
        v_pot: 0,
        v_dep: dac_code("reset_v", cfg.reset_v, lsb_v)?,
        width: reset_width as u32,
        interval: 1,
        // the reset runs in V/2: half-selected cells see -V/2 (pushed towards
        // the HRS as well), the others 0 V; V/3 would expose every other cell
        // to +-1.43 V for 100 ms, far beyond any write of the experiment
        scheme_v3: false,
        safe_max: dac_code("safe_max_v", cfg.safe_max_v, lsb_v)?,
        safe_min: dac_code("safe_min_v", cfg.safe_min_v, lsb_v)?,
        refresh_code: 0,
        refresh_width: 1,
        ..Default::default()
    };
    let mut b = XbarBench::new(dut, fe, xcfg, cfg.warp)?;
    b.analog = analog;
    if let Some((a, window)) = &mut b.analog {
        if window.is_none_or(|(from, _)| from == 0) {
            a.record(&b.fe, 0.0, true, None)
                .map_err(neuroxbar_cosim::cosim::CoSimError::Analog)?;
        }
    }

    // 1. every cell of the 5x5 sub-array to the HRS
    for r in 0..SIDE {
        for c in 0..SIDE {
            b.program(r as u8, c as u8, false, 1)?;
        }
    }
    let t = b.time_cycles() + whole_cycles(cfg.settle_after_reset_s, period);
    b.idle_until(t)?;
    b.fe.sync().map_err(|e| err(b.time_s(), e))?;
    let energy_reset_j = b.fe.energy_j();
    let t_s = b.time_s();
    let baseline = read_map(&mut b, '-', "baseline", t_s, cfg.tia_gain_index)?;
    let g_hrs = g_nv_map(&mut b.fe, t_s)?;
    let g_hrs_mean_s = g_hrs.iter().flatten().sum::<f64>() / (SIDE * SIDE) as f64;
    let mut maps = vec![baseline.clone()];

    // 2. the letters
    struct Written {
        end_s: f64,
        period_s: f64,
        width_s: f64,
        write_time_s: f64,
        energy_j: f64,
        g_ratio: f64,
        lit_before_a: f64,
    }
    let mut written = Vec::new();
    for lw in &cfg.letters {
        let bitmap = LETTERS
            .iter()
            .find(|(c, _)| *c == lw.letter)
            .ok_or_else(|| ExperimentError::Device(format!("no bitmap for `{}`", lw.letter)))?;
        let mask = lit(&bitmap.1);
        let pulse_period = whole_cycles(1.0 / lw.frequency_hz, period);
        if pulse_period <= width {
            return Err(ExperimentError::Hardware(format!(
                "{}: period {} cycles not longer than the width",
                lw.letter, pulse_period
            )));
        }
        {
            let x = b.config_mut();
            x.scheme_v3 = cfg.scheme_v3;
            x.v_pot = dac_code("amplitude_v", lw.amplitude_v, lsb_v)?;
            x.width = width as u32;
            x.interval = (pulse_period - width) as u32;
        }
        let g_before = {
            let t = b.time_s();
            g_nv_map(&mut b.fe, t)?
        };
        b.fe.sync().map_err(|e| err(b.time_s(), e))?;
        let e0 = b.fe.energy_j();
        let t0 = b.time_s();
        let mut first_edges = None;
        let mut after = PixelMap::new(lw.letter, "after");
        let mut late = PixelMap::new(lw.letter, "25us");
        let mut end = b.time_cycles();
        let (mut before_sum, mut before_n) = (0.0, 0.0);
        for (r, row) in mask.iter().enumerate() {
            for (c, &on) in row.iter().enumerate() {
                // each pixel individually: written (if lit), read right
                // after, read again 25 us after the end of its writing
                if on {
                    let rd = read_row(&mut b, r, cfg.tia_gain_index)?;
                    before_sum += rd.current_a[c];
                    before_n += 1.0;
                    b.take_edges();
                    b.program(r as u8, c as u8, true, cfg.pulses)?;
                    if first_edges.is_none() {
                        first_edges = Some(b.take_edges());
                    }
                }
                let t_px = b.time_cycles();
                let t_px_s = b.time_s();
                if on {
                    end = t_px;
                }
                let rd = read_row(&mut b, r, cfg.tia_gain_index)?;
                after.set(r, c, &rd, t_px_s);
                b.idle_until(t_px + whole_cycles(cfg.late_read_s, period))?;
                let rd = read_row(&mut b, r, cfg.tia_gain_index)?;
                late.set(r, c, &rd, t_px_s);
            }
        }
        let end_s = end as f64 * period;
        let t_done_s = b.time_s();
        b.fe.sync().map_err(|e| err(t_done_s, e))?;
        let energy_j = b.fe.energy_j() - e0;
        // measured on the bus: rising edges and widths of the first pixel
        let edges = first_edges.unwrap_or_default();
        let rises: Vec<u64> = edges.iter().filter(|e| e.1).map(|e| e.0).collect();
        let falls: Vec<u64> = edges.iter().filter(|e| !e.1).map(|e| e.0).collect();
        let period_s = if rises.len() > 1 {
            (rises[rises.len() - 1] - rises[0]) as f64 / (rises.len() - 1) as f64 * period
        } else {
            f64::NAN
        };
        let width_s = match (rises.first(), falls.first()) {
            (Some(a), Some(f)) => (f - a) as f64 * period,
            _ => f64::NAN,
        };
        maps.push(after.0);
        maps.push(late.0);
        // conductance change of the lit cells (model state at the late read,
        // the STM trace decayed to exp(-25 us / tau) of its peak)
        let g_late = {
            let t = b.time_s();
            g_nv_map(&mut b.fe, t)?
        };
        let mut sum = 0.0;
        let mut n = 0.0;
        for r in 0..SIDE {
            for c in 0..SIDE {
                if mask[r][c] {
                    sum += g_late[r][c] / g_before[r][c];
                    n += 1.0;
                }
            }
        }
        written.push(Written {
            end_s,
            period_s,
            width_s,
            write_time_s: end_s - t0,
            energy_j,
            g_ratio: sum / n,
            lit_before_a: before_sum / before_n,
        });
    }

    // 3. retention
    let last_end_s = written.last().map(|w| w.end_s).unwrap_or(0.0);
    let t_final = whole_cycles(last_end_s + cfg.retention_s, period);
    b.idle_until(t_final)?;
    // the final read is "H read again" (the whole map, like every read)
    let final_letter = if cfg.letters.iter().any(|l| l.letter == 'H') {
        'H'
    } else {
        '*'
    };
    let final_map = read_map(&mut b, final_letter, "500s", last_end_s, cfg.tia_gain_index)?;
    let g_final_s = {
        let t = b.time_s();
        g_nv_map(&mut b.fe, t)?
    };
    maps.push(final_map.clone());
    b.fe.sync().map_err(|e| err(b.time_s(), e))?;
    let energy_j = b.fe.energy_j();

    // 4. metrics
    let mut letters = Vec::new();
    for (k, lw) in cfg.letters.iter().enumerate() {
        let bitmap = LETTERS.iter().find(|(c, _)| *c == lw.letter).unwrap();
        let mask = lit(&bitmap.1);
        let after = &maps[1 + 2 * k].current_a;
        let late = &maps[2 + 2 * k].current_a;
        let fin = &final_map.current_a;
        let (la, ua) = (
            mean_where(after, &mask, true),
            mean_where(after, &mask, false),
        );
        let (ll, ul) = (
            mean_where(late, &mask, true),
            mean_where(late, &mask, false),
        );
        let (lf, uf) = (mean_where(fin, &mask, true), mean_where(fin, &mask, false));
        let lb = mean_where(&baseline.current_a, &mask, true);
        let w = &written[k];
        letters.push(LetterMetrics {
            letter: lw.letter,
            amplitude_v: lw.amplitude_v,
            frequency_hz: lw.frequency_hz,
            paper: lw.paper.clone(),
            lit_pixels: mask.iter().flatten().filter(|&&x| x).count(),
            mean_lit_before_a: w.lit_before_a,
            mean_lit_after_a: la,
            mean_unlit_after_a: ua,
            mean_lit_25us_a: ll,
            mean_unlit_25us_a: ul,
            mean_lit_500s_a: lf,
            mean_unlit_500s_a: uf,
            contrast_after: la / ua,
            contrast_25us: ll / ul,
            contrast_500s: lf / uf,
            contrast_delta_kept_25us: (ll - ul) / (la - ua),
            contrast_delta_kept_500s: (lf - uf) / (la - ua),
            retention_500s: lf / la,
            gain_after_vs_baseline: la / lb,
            raise_kept_25us: (ll - w.lit_before_a) / (la - w.lit_before_a),
            g_nv_ratio_lit: w.g_ratio,
            measured_period_s: w.period_s,
            measured_width_s: w.width_s,
            write_time_s: w.write_time_s,
            energy_j: w.energy_j,
        });
    }
    let h = letters.iter().position(|l| l.letter == 'H');
    let (h_retention, h_contrast_kept, h_final_delay_s) = match h {
        Some(i) => (
            letters[i].retention_500s,
            letters[i].contrast_delta_kept_500s,
            final_map.row_sample_s[0] - written[i].end_s,
        ),
        None => (f64::NAN, f64::NAN, f64::NAN),
    };
    let st = b.fe.stats().clone();
    let mut thresholds = Vec::new();
    for lw in &cfg.letters {
        if thresholds.iter().any(|(f, _)| *f == lw.frequency_hz) {
            continue;
        }
        let th = device_ltm_threshold_v(
            &spec,
            cfg.seed,
            cfg.pulses as u32,
            cfg.pulse_width_s,
            lw.frequency_hz,
            cfg.reset_v,
            cfg.reset_width_s,
        )?;
        thresholds.push((lw.frequency_hz, th));
    }
    let res = E5Result {
        maps,
        letters,
        h_retention,
        h_contrast_kept,
        h_final_delay_s,
        g_final_s,
        g_hrs_mean_s,
        energy_j,
        energy_reset_j,
        energy_letters_j: energy_j - energy_reset_j,
        simulated_time_s: b.time_s(),
        cycles: b.time_cycles(),
        clocked_cycles: b.stats().clocked_cycles,
        warped_cycles: b.stats().warped_cycles,
        idle_skipped_cycles: b.stats().idle_skipped_cycles,
        program_commands: b.dut.program_commands,
        apply_pulses: st.apply_pulses,
        clamp_error: b.outputs().clamp_error,
        unsettled_samples: st.unsettled_samples,
        min_sample_after_apply_cycles: b.dut.min_sample_after_apply,
        settle_cycles: params.dac_settle_cycles(),
        device_ltm_threshold_v: thresholds,
    };
    Ok((res, b.analog.take()))
}
