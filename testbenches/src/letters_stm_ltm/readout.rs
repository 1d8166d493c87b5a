//! The auto-ranged row READs of E5 and the 5x5 maps built from them.

use super::*;

/// One auto-ranged READ of row `r`: read at the finest TIA gain first
/// (`gain0`), and again one decade coarser while a column of the row
/// saturates.
pub(super) struct RowRead {
    pub(super) codes: Vec<i16>,
    pub(super) current_a: Vec<f64>,
    pub(super) lsb_a: f64,
    pub(super) sample_s: f64,
    pub(super) rereads: u32,
    /// Saturated columns (0..SIDE) of the accepted read.
    pub(super) sat_mask: u64,
}

pub(super) fn read_row<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    b: &mut XbarBench<B>,
    r: usize,
    gain0: usize,
) -> Result<RowRead, ExperimentError> {
    let period = b.period_s();
    let n_gains = b.fe.params().tia_lsb_table_a.len();
    let mut g = gain0;
    let mut rereads = 0;
    loop {
        let t_s = b.time_s();
        b.fe.set_tia_gain_index(g).map_err(|e| err(t_s, e))?;
        b.take_samples();
        let (c, sat) = b.read(1u128 << r)?;
        let strobes = b.take_samples();
        if strobes.len() != 1 {
            return Err(ExperimentError::Hardware(format!(
                "{} sample strobes for one row read",
                strobes.len()
            )));
        }
        let sat = sat & ((1 << SIDE) - 1);
        if sat != 0 && g + 1 < n_gains {
            g += 1;
            rereads += 1;
            continue;
        }
        let lsb = b.fe.tia_lsb_a();
        return Ok(RowRead {
            codes: c[..SIDE].to_vec(),
            current_a: c[..SIDE].iter().map(|&x| x as f64 * lsb).collect(),
            lsb_a: lsb,
            sample_s: strobes[0] as f64 * period,
            rereads,
            sat_mask: sat,
        });
    }
}

/// Read the 5x5 map row by row, each row auto-ranged ([`read_row`]). A
/// row's time stamp is that of its accepted read.
pub(super) fn read_map<B: CycleModel<Inputs = XbarInputs, Outputs = XbarOutputs>>(
    b: &mut XbarBench<B>,
    letter: char,
    when: &str,
    t_ref_s: f64,
    gain0: usize,
) -> Result<MapRead, ExperimentError> {
    let mut m = MapRead {
        letter,
        when: when.into(),
        row_sample_s: vec![],
        row_delay_s: vec![],
        cell_sample_s: vec![],
        cell_delay_s: vec![],
        row_lsb_a: vec![],
        rereads: 0,
        current_a: vec![],
        codes: vec![],
        saturated: 0,
    };
    for r in 0..SIDE {
        let row = read_row(b, r, gain0)?;
        m.rereads += row.rereads;
        m.saturated += row.sat_mask.count_ones();
        m.row_sample_s.push(row.sample_s);
        m.row_delay_s.push(row.sample_s - t_ref_s);
        m.cell_sample_s.push(vec![row.sample_s; SIDE]);
        m.cell_delay_s.push(vec![row.sample_s - t_ref_s; SIDE]);
        m.row_lsb_a.push(row.lsb_a);
        m.current_a.push(row.current_a);
        m.codes.push(row.codes);
    }
    Ok(m)
}

/// An empty map to be filled pixel by pixel ([`PixelMap::set`]).
pub(super) struct PixelMap(pub(super) MapRead);

impl PixelMap {
    pub(super) fn new(letter: char, when: &str) -> Self {
        PixelMap(MapRead {
            letter,
            when: when.into(),
            row_sample_s: vec![f64::NAN; SIDE],
            row_delay_s: vec![f64::NAN; SIDE],
            cell_sample_s: vec![vec![f64::NAN; SIDE]; SIDE],
            cell_delay_s: vec![vec![f64::NAN; SIDE]; SIDE],
            row_lsb_a: vec![f64::NAN; SIDE],
            rereads: 0,
            current_a: vec![vec![f64::NAN; SIDE]; SIDE],
            codes: vec![vec![0; SIDE]; SIDE],
            saturated: 0,
        })
    }

    /// Keep column `c` of `row` (a READ of row `r`) for pixel `(r, c)`,
    /// whose reference time (end of its writing, or its turn) is `t_ref_s`.
    pub(super) fn set(&mut self, r: usize, c: usize, row: &RowRead, t_ref_s: f64) {
        let m = &mut self.0;
        if m.row_sample_s[r].is_nan() {
            m.row_sample_s[r] = row.sample_s;
            m.row_delay_s[r] = row.sample_s - t_ref_s;
            m.row_lsb_a[r] = row.lsb_a;
        }
        m.cell_sample_s[r][c] = row.sample_s;
        m.cell_delay_s[r][c] = row.sample_s - t_ref_s;
        m.current_a[r][c] = row.current_a[c];
        m.codes[r][c] = row.codes[c];
        m.rereads += row.rereads;
        m.saturated += ((row.sat_mask >> c) & 1) as u32;
    }
}
