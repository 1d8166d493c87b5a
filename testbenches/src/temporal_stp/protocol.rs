//! E3 through the RTL: one synapse read through the crossbar controller
//! after every input spike, integrated by the RTL LIF neuron.

use super::*;
use neuroxbar_models::golden::lif_wta_top::reg;

/// The device spec of a synapse: `liwes` as calibrated, `ideal` with every sd 0.
pub fn synapse_spec(cfg: &E3Config, synapse: &str) -> Result<DeviceSpec, ExperimentError> {
    let kind: DeviceKind = cfg.device.parse().map_err(ExperimentError::Device)?;
    let mut spec = DeviceSpec::load(kind, None)?;
    let ParamSet::Liwes(p) = &mut spec.params else {
        return Err(ExperimentError::Device(format!(
            "temporal-stp runs on liwes devices (got {})",
            cfg.device
        )));
    };
    if !cfg.long_term_step {
        p.alpha = 0.0;
    }
    match synapse {
        "liwes" => p.st_mode = StMode::Stochastic,
        "ideal" => {
            p.st_mode = StMode::Ideal;
            p.c2c_sd = 0.0;
            p.d2d_sd = 0.0;
            p.read_noise_sd = 0.0;
        }
        s => return Err(ExperimentError::Device(format!("no device synapse `{s}`"))),
    }
    Ok(spec)
}

fn st_unit_s(spec: &DeviceSpec) -> f64 {
    match &spec.params {
        ParamSet::Liwes(p) => p.st_unit_s,
        _ => f64::NAN,
    }
}

/// Read cell (0, 0): the column-0 code of a READ of row 0.
fn read_cell<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    b: &mut XbarBench<B>,
    run: &mut DeviceRun,
) -> Result<i32, ExperimentError> {
    b.take_samples();
    let (c, sat) = b.read(1)?;
    let strobes = b.take_samples();
    if strobes.len() != 1 {
        return Err(ExperimentError::Hardware(format!(
            "{} sample strobes for one row read",
            strobes.len()
        )));
    }
    if sat & 1 != 0 {
        return Err(ExperimentError::Hardware(format!(
            "the ADC saturated reading the synapse at t = {:.6} s: use a coarser TIA gain",
            b.time_s()
        )));
    }
    run.reads += 1;
    run.max_code = run.max_code.max(c[0] as i32);
    Ok(c[0] as i32)
}

/// Give back the lasting step of `n` potentiation pulses (`n + 2` depressions).
fn reset_lasting<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    b: &mut XbarBench<B>,
    n: usize,
) -> Result<(), ExperimentError> {
    let mut left = n + 2;
    while left > 0 {
        let k = left.min(255);
        b.program(0, 0, false, k as u8)?;
        left -= k;
    }
    Ok(())
}

/// Present the spike ticks `spikes` once (`ticks` ticks) from the next
/// tick boundary; returns the codes above the floor code, and the rest code.
fn present<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    b: &mut XbarBench<B>,
    cfg: &E3Config,
    spikes: &[usize],
    ticks: usize,
    run: &mut DeviceRun,
) -> Result<(Vec<i32>, i32), ExperimentError> {
    let period = b.fe.params().clock_period_s;
    let tick = whole_cycles(cfg.tick_ms * 1e-3, period);
    let half = tick / 2;
    let t0 = b.time_cycles().div_ceil(tick) * tick + tick;
    b.idle_until(t0 - half)?;
    let rest = read_cell(b, run)?;
    // the reference is the first rest read, before any gate pulse (the
    // floor, no short-term part): a later rest read would carry the eta
    // offset the reset's last pulse left, which the next spike's decay
    // takes away again, so it would shift the whole presentation
    let floor = *run.floor_code.get_or_insert(rest);
    let mut codes = Vec::with_capacity(ticks);
    let mut next = spikes.iter().peekable();
    for n in 0..ticks {
        let tn = t0 + n as u64 * tick;
        if next.peek() == Some(&&n) {
            next.next();
            if b.time_cycles() > tn {
                return Err(ExperimentError::Hardware(format!(
                    "tick {n}: the previous read ran past the tick start"
                )));
            }
            b.idle_until(tn)?;
            b.program(0, 0, true, 1)?;
        }
        if b.time_cycles() > tn + half {
            return Err(ExperimentError::Hardware(format!(
                "tick {n}: the gate pulse ran past the mid-tick read"
            )));
        }
        b.idle_until(tn + half)?;
        if run.reads == 1 {
            run.read_offset_s = (b.time_cycles() - tn) as f64 * period;
        }
        codes.push(read_cell(b, run)? - floor);
    }
    if cfg.lt_reset {
        reset_lasting(b, spikes.len())?;
    }
    let t = b.time_cycles() + whole_cycles(cfg.rest_ms * 1e-3, period);
    b.idle_until(t)?;
    run.rest_codes.push(rest);
    Ok((codes, rest))
}

/// Run one device synapse (`liwes` or `ideal`) through the Verilated
/// crossbar controller: the calibration spike, then every class and
/// presentation.
pub fn run_device(
    cfg: &E3Config,
    synapse: &str,
    trains: &[Vec<usize>],
    progress: &mut dyn FnMut(usize, usize),
    done0: usize,
    total: usize,
) -> Result<DeviceRun, ExperimentError> {
    let spec = synapse_spec(cfg, synapse)?;
    let params = FrontEndParams {
        tia_gain_index: cfg.tia_gain_index,
        ..crate::experiment::fe_params(cfg.clock_mhz)?
    };
    params
        .validate()
        .map_err(|e| ExperimentError::Device(e.to_string()))?;
    let stream = if synapse == "liwes" { 1 } else { 2 };
    let fe_seed = cfg
        .seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(stream);
    let fe = FrontEnd::from_spec(&spec, N_ROWS, N_COLS, params.clone(), fe_seed)
        .map_err(|e| ExperimentError::Device(e.to_string()))?;
    let lsb_v = params.dac_lsb_volts;
    let period = params.clock_period_s;
    let width = whole_cycles(cfg.pulse_width_s, period);
    if width == 0 || width >= 1 << 24 {
        return Err(ExperimentError::option(
            "pulse_width_s",
            num(cfg.pulse_width_s),
            "allowed range 1 ..= 2^24 - 1 cycles of the clock",
        ));
    }
    let (safe_min_v, safe_max_v) = { spec.instantiate(0).safe_window_volts() };
    let xcfg = XbarInputs {
        v_read: dac_code("read_v", cfg.read_v, lsb_v)?,
        settle: params.dac_settle_cycles().max(1) as u16,
        v_pot: dac_code("pulse_v", cfg.pulse_v, lsb_v)?,
        v_dep: dac_code("pulse_v", -cfg.pulse_v, lsb_v)?,
        width: width as u32,
        // 1 ms between the depression pulses of the reset
        interval: whole_cycles(1e-3, period) as u32,
        scheme_v3: false,
        safe_max: dac_code("safe_max_v", safe_max_v, lsb_v)?,
        safe_min: dac_code("safe_min_v", safe_min_v, lsb_v)?,
        refresh_code: 0,
        refresh_width: 1,
        ..Default::default()
    };
    let dut = VerilatorXbar::new(Trace::Off)?;
    let mut b = XbarBench::new(dut, fe, xcfg, cfg.warp)?;
    let mut run = DeviceRun::default();
    // single-spike calibration (its own presentation, spike at tick 0)
    let cal_ticks = cfg.ticks(cfg.calibration_ms);
    let (cal, _) = present(&mut b, cfg, &[0], cal_ticks, &mut run)?;
    run.calibration = cal;
    let ticks = cfg.presentation_ticks();
    let mut done = done0;
    for train in trains {
        let mut per = Vec::with_capacity(cfg.presentations);
        for _ in 0..cfg.presentations {
            let (codes, _) = present(&mut b, cfg, train, ticks, &mut run)?;
            per.push(codes);
            done += 1;
            progress(done, total);
        }
        run.codes.push(per);
    }
    b.fe.sync().map_err(|e| err(b.time_s(), e))?;
    run.energy_j = b.fe.energy_j();
    run.simulated_time_s = b.time_s();
    run.cycles = b.time_cycles();
    run.clocked_cycles = b.stats().clocked_cycles;
    run.warped_cycles = b.stats().warped_cycles;
    run.idle_skipped_cycles = b.stats().idle_skipped_cycles;
    run.program_commands = b.dut.program_commands;
    if b.outputs().clamp_error {
        return Err(ExperimentError::Hardware(
            "the controller clamped a pulse amplitude".into(),
        ));
    }
    Ok(run)
}

/// The Verilated neuron core, configured for one `tau_m`.
struct Lif {
    dut: VerilatorLifWta,
    cycles: u64,
    regs: Vec<(u8, u32)>,
}

impl Lif {
    fn new(decay_bits: u16, gain_bits: u16) -> Result<Self, ExperimentError> {
        let dut = VerilatorLifWta::new(Trace::Off)?;
        Ok(Lif {
            dut,
            cycles: 0,
            regs: vec![
                // CTRL: WTA off, multiplier leak
                (reg::CTRL, 0b100),
                // THRESHOLD: the largest Q16.8 value (never reached)
                (reg::THRESHOLD, 0x7F_FFFF),
                (reg::RESET_V, 0),
                (reg::DECAY, decay_bits as u32),
                (reg::GAIN, gain_bits as u32),
                (reg::REFRACTORY, 0),
            ],
        })
    }

    fn step(&mut self, inp: &TopInputs) -> neuroxbar_models::golden::lif_wta_top::TopOutputs {
        self.cycles += 1;
        self.dut.step(inp)
    }

    /// Reset (membranes to 0) and write the registers.
    fn restart(&mut self) -> Result<(), ExperimentError> {
        let mut inp = TopInputs {
            reset: true,
            tick: false,
            wta_clear: false,
            i_in: vec![0; LIF_N],
            cfg_write: None,
        };
        self.step(&inp);
        self.step(&inp);
        inp.reset = false;
        for &(a, d) in &self.regs.clone() {
            inp.cfg_write = Some((a, d));
            let o = self.step(&inp);
            if o.cfg_error {
                return Err(ExperimentError::Hardware(format!(
                    "neuron core refused register 0x{a:02x} = 0x{d:x}"
                )));
            }
        }
        Ok(())
    }

    /// Run `inputs[neuron][tick]` from rest; the membranes (raw Q16.8) after
    /// every tick, `[neuron][tick]`.
    fn run(&mut self, inputs: &[Vec<i32>]) -> Result<Vec<Vec<i32>>, ExperimentError> {
        self.restart()?;
        let ticks = inputs[0].len();
        let mut out = vec![Vec::with_capacity(ticks); inputs.len()];
        let mut inp = TopInputs {
            reset: false,
            tick: true,
            wta_clear: false,
            i_in: vec![0; LIF_N],
            cfg_write: None,
        };
        for n in 0..ticks {
            for (j, x) in inputs.iter().enumerate() {
                inp.i_in[j] = i16::try_from(x[n]).map_err(|_| {
                    ExperimentError::Hardware(format!(
                        "input {} codes does not fit the neuron's 16-bit i_in",
                        x[n]
                    ))
                })?;
            }
            // one tick, then the pipeline's other cycles without one (a tick
            // closer than LIF_LATENCY cycles to the last is ignored)
            inp.tick = true;
            let mut o = self.step(&inp);
            inp.tick = false;
            for _ in 1..neuroxbar_models::golden::lif::LIF_LATENCY {
                o = self.step(&inp);
            }
            if o.saturated || o.spikes != 0 {
                return Err(ExperimentError::Hardware(
                    "the RTL LIF membrane saturated (Q16.8, +-32768 codes): lower its GAIN".into(),
                ));
            }
            for (j, v) in out.iter_mut().enumerate() {
                v.push(o.v_mem[j]);
            }
        }
        Ok(out)
    }
}

/// GAIN register (Q8.8) for `tau_m`: the power of two at or below `2.5 tick / tau_m`.
pub fn gain_bits(tick_s: f64, tau_m_s: f64) -> u16 {
    let g = 2.5 * tick_s / tau_m_s;
    let e = g.log2().floor().clamp(-8.0, 7.0);
    (256.0 * 2f64.powf(e)).round() as u16
}

/// Run E3 through the Verilated crossbar controller and neuron core.
pub fn run_verilator(
    cfg: &E3Config,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<E3Result, ExperimentError> {
    cfg.validate()?;
    let trains = class_trains(cfg);
    let total = 2 * cfg.classes * cfg.presentations;
    let liwes = run_device(cfg, "liwes", &trains, progress, 0, total)?;
    let ideal = run_device(cfg, "ideal", &trains, progress, total / 2, total)?;
    let spec = synapse_spec(cfg, "ideal")?;
    let lsb_a = FrontEndParams::default().tia_lsb_table_a[cfg.tia_gain_index];
    let units_per_code = lsb_a / (cfg.read_v * st_unit_s(&spec));
    let tick_s = cfg.tick_ms * 1e-3;
    let ticks = cfg.presentation_ticks();
    let no_stp_code: i16 = 8192;
    let mut results = Vec::new();
    let mut neurons = Vec::new();
    let mut readouts = Vec::new();
    let mut traces = Vec::new();
    let mut lif_cycles = 0;
    for &tau in &cfg.tau_m_s {
        let decay = (-tick_s / tau).exp();
        let decay_bits = (decay * 65536.0).round().min(65535.0) as u16;
        let gain = gain_bits(tick_s, tau);
        let mut lif = Lif::new(decay_bits, gain)?;
        let tau_ms = tau * 1e3;
        // device synapses: the neuron core computes v' = d v + gain i_in; the
        // exact step of tau dv/dt = -v + G for G held over a tick is
        // v' = d v + (1 - d) G, so v[units] = raw / 256 * units_per_code * (1 - d) / gain
        let d = decay_bits as f64 / 65536.0;
        let per_lsb_dev = units_per_code * (1.0 - d) / (gain as f64 / 256.0) / 256.0;
        // IDEAL single-spike peak -> k
        let cal = lif.run(std::slice::from_ref(&ideal.calibration))?;
        let peak = cal[0].iter().copied().max().unwrap_or(0) as f64 * per_lsb_dev;
        let k = peak * tau_ms;
        // NO-STP: a jump of gain * code codes is k / tau_ms units
        let per_lsb_nostp = (k / tau_ms) / (no_stp_code as f64 * gain as f64);
        let mut pts = vec![vec![Vec::new(); cfg.classes]; 3];
        let mut max_abs = 0.0f64;
        let mut trace = Vec::new();
        for (c, train) in trains.iter().enumerate() {
            let mut dirac = vec![0; ticks];
            for &s in train {
                dirac[s] = no_stp_code as i32;
            }
            for p in 0..cfg.presentations {
                let inputs = [
                    liwes.codes[c][p].clone(),
                    ideal.codes[c][p].clone(),
                    dirac.clone(),
                ];
                let v = lif.run(&inputs)?;
                for (j, vj) in v.iter().enumerate() {
                    let m = vj.iter().map(|&x| (x as f64).abs()).fold(0.0, f64::max) / 256.0;
                    max_abs = max_abs.max(m);
                    let scale = if j < 2 { per_lsb_dev } else { per_lsb_nostp };
                    pts[j][c].push(vj[ticks - 1] as f64 * scale);
                    if c == 0 && p == 0 {
                        trace.push(vj.iter().map(|&x| x as f64 * scale).collect::<Vec<_>>());
                    }
                }
            }
        }
        lif_cycles += lif.cycles;
        let k_paper = PAPER_K
            .iter()
            .find(|(t, _)| (t - tau).abs() < 1e-12)
            .map_or(f64::NAN, |x| x.1);
        neurons.push(NeuronConfig {
            tau_m_s: tau,
            decay_bits,
            tau_m_effective_s: -tick_s / (decay_bits as f64 / 65536.0).ln(),
            gain_bits: gain,
            ideal_single_spike_peak: peak,
            k,
            k_paper,
            no_stp_code,
            units_per_lsb_device: per_lsb_dev,
            units_per_lsb_no_stp: per_lsb_nostp,
            max_abs_membrane_codes: max_abs,
        });
        let seps: Vec<(f64, f64, f64)> = pts
            .iter()
            .map(|p| {
                let (inter, intra) = distances(p);
                (inter - intra, inter, intra)
            })
            .collect();
        for (j, name) in SYNAPSES.iter().enumerate() {
            let paper = PAPER
                .iter()
                .find(|x| (x.0 - tau).abs() < 1e-12 && x.1 == *name);
            let n = (cfg.classes * cfg.presentations) as f64;
            results.push(SepResult {
                tau_m_s: tau,
                synapse: name.to_string(),
                separability: seps[j].0,
                inter_class_distance: seps[j].1,
                intra_class_distance: seps[j].2,
                ratio_to_no_stp: seps[j].0 / seps[2].0,
                paper_separability: paper.map_or(f64::NAN, |x| x.2),
                paper_ratio_to_no_stp: paper.map_or(f64::NAN, |x| x.3),
                mean_readout: pts[j].iter().flatten().sum::<f64>() / n,
            });
        }
        readouts.push(pts);
        traces.push(trace);
    }
    let g = |r: &DeviceRun| -> Vec<f64> {
        r.codes[0][0]
            .iter()
            .map(|&c| c as f64 * units_per_code)
            .collect()
    };
    let spikes_per_class_mean =
        trains.iter().map(|t| t.len() as f64).sum::<f64>() / trains.len() as f64;
    Ok(E3Result {
        results,
        neurons,
        readouts,
        traces,
        g_trace: [g(&liwes), g(&ideal)],
        trains,
        spikes_per_class_mean,
        units_per_code,
        lif_clocked_cycles: lif_cycles,
        energy_j: liwes.energy_j + ideal.energy_j,
        simulated_time_s: liwes.simulated_time_s + ideal.simulated_time_s,
        cycles: liwes.cycles + ideal.cycles,
        runs: [liwes, ideal],
    })
}
