//! The memristor crossbar: `n_rows x n_cols` devices of one kind.
//!
//! Cell `(row, col)` sits between row line `row` and column line `col`; its
//! voltage is `V_row - V_col`. Cells are stored row-major: the cell index is
//! `row * n_cols + col`.
//!
//! The array is a plain container with per-cell energy bookkeeping. Time and
//! line voltages are handled by [`crate::frontend::FrontEnd`], which owns an
//! `Array` and calls the devices only on bus events. The direct methods here
//! (`apply_cell`, `advance_cell`, `advance_all`) bypass the bus: use them for
//! device-level experiments, not while a front-end is driving the same array
//! (take the array back with `FrontEnd::into_array` first).
//!
//! Device-to-device variation: an array built with [`Array::from_seeded`]
//! gives cell `k` the seed [`Array::cell_seed`]`(array_seed, k)`, a SplitMix64
//! hash of the array seed and the cell index, so every cell draws its own D2D
//! sample and the whole array is reproducible from one seed.

use crate::device::{Device, DeviceError, DeviceSpec};

/// Errors of the array: a cell or shape out of range, or a device's own.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ArrayError {
    #[error("array: cell ({row}, {col}) out of range: rows 0..{n_rows}, columns 0..{n_cols}")]
    Cell {
        row: usize,
        col: usize,
        n_rows: usize,
        n_cols: usize,
    },
    #[error("array: bad shape {n_rows} x {n_cols}: {message}")]
    Shape {
        n_rows: usize,
        n_cols: usize,
        message: String,
    },
    #[error("array: cell ({row}, {col}): {source}")]
    Device {
        row: usize,
        col: usize,
        #[source]
        source: DeviceError,
    },
}

/// Largest number of cells an array may hold (keeps channel numbers and
/// allocations sane; a 4096 x 4096 array is far beyond any FPGA design here).
pub const MAX_CELLS: usize = 1 << 24;

/// `n_rows x n_cols` memristive devices of one kind, with per-cell energy.
pub struct Array {
    n_rows: usize,
    n_cols: usize,
    cells: Vec<Box<dyn Device>>,
    cell_energy_j: Vec<f64>,
    energy_j: f64,
}

impl std::fmt::Debug for Array {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Array")
            .field("n_rows", &self.n_rows)
            .field("n_cols", &self.n_cols)
            .field("device", &self.cells.first().map(|c| c.name()))
            .field("energy_j", &self.energy_j)
            .finish()
    }
}

/// SplitMix64 finaliser: a bijective 64-bit mix with good avalanche.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Array {
    /// Build from a closure called once per cell index (row-major), e.g. with
    /// hand-made test devices.
    pub fn from_fn(
        n_rows: usize,
        n_cols: usize,
        mut make: impl FnMut(usize) -> Box<dyn Device>,
    ) -> Result<Self, ArrayError> {
        let n = Self::check_shape(n_rows, n_cols)?;
        let cells: Vec<Box<dyn Device>> = (0..n).map(&mut make).collect();
        Ok(Array {
            n_rows,
            n_cols,
            cells,
            cell_energy_j: vec![0.0; n],
            energy_j: 0.0,
        })
    }

    /// Build from a closure that turns a per-cell seed into a device; cell `k`
    /// gets `cell_seed(array_seed, k)`. `Array::from_spec` is this with
    /// `DeviceSpec::instantiate`.
    pub fn from_seeded(
        n_rows: usize,
        n_cols: usize,
        array_seed: u64,
        mut make: impl FnMut(u64) -> Box<dyn Device>,
    ) -> Result<Self, ArrayError> {
        Self::from_fn(n_rows, n_cols, |k| make(Self::cell_seed(array_seed, k)))
    }

    /// `n_rows x n_cols` devices of `spec`'s kind; cell `k` is
    /// `spec.instantiate(cell_seed(array_seed, k))`, so D2D variation is drawn
    /// per cell and the array is reproducible from `array_seed`.
    pub fn from_spec(
        spec: &DeviceSpec,
        n_rows: usize,
        n_cols: usize,
        array_seed: u64,
    ) -> Result<Self, ArrayError> {
        Self::from_seeded(n_rows, n_cols, array_seed, |seed| spec.instantiate(seed))
    }

    /// The seed of cell `cell_index` in an array seeded with `array_seed`.
    /// Distinct cells get unrelated seeds; the same pair always gives the same seed.
    pub fn cell_seed(array_seed: u64, cell_index: usize) -> u64 {
        splitmix64(splitmix64(array_seed) ^ (cell_index as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93))
    }

    fn check_shape(n_rows: usize, n_cols: usize) -> Result<usize, ArrayError> {
        let n = n_rows.saturating_mul(n_cols);
        if n_rows == 0 || n_cols == 0 || n > MAX_CELLS || n_rows + n_cols > u16::MAX as usize {
            return Err(ArrayError::Shape {
                n_rows,
                n_cols,
                message: format!(
                    "need n_rows >= 1, n_cols >= 1, n_rows * n_cols <= {MAX_CELLS}, n_rows + n_cols <= {}",
                    u16::MAX
                ),
            });
        }
        Ok(n)
    }

    /// Number of rows (pre-synaptic inputs).
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns (post-synaptic neurons).
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// Number of cells, `n_rows * n_cols`.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Always false (an array has at least one cell).
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Row-major index of cell `(row, col)`, or an error naming the range.
    pub fn index(&self, row: usize, col: usize) -> Result<usize, ArrayError> {
        if row >= self.n_rows || col >= self.n_cols {
            return Err(ArrayError::Cell {
                row,
                col,
                n_rows: self.n_rows,
                n_cols: self.n_cols,
            });
        }
        Ok(row * self.n_cols + col)
    }

    /// The device at `(row, col)`.
    pub fn cell(&self, row: usize, col: usize) -> Result<&dyn Device, ArrayError> {
        let k = self.index(row, col)?;
        Ok(self.cells[k].as_ref())
    }

    /// Mutable access to the device at `(row, col)` (bypasses energy accounting).
    pub fn cell_mut(
        &mut self,
        row: usize,
        col: usize,
    ) -> Result<&mut (dyn Device + 'static), ArrayError> {
        let k = self.index(row, col)?;
        Ok(self.cells[k].as_mut())
    }

    /// Put `device` in place of the cell at `(row, col)` and return the one
    /// it replaces (control runs with a hand-made device in an array built
    /// from a catalogue kind). Its energy account is kept.
    pub fn replace_cell(
        &mut self,
        row: usize,
        col: usize,
        device: Box<dyn Device>,
    ) -> Result<Box<dyn Device>, ArrayError> {
        let k = self.index(row, col)?;
        Ok(std::mem::replace(&mut self.cells[k], device))
    }

    /// Name of the device kind (of cell 0).
    pub fn device_name(&self) -> &'static str {
        self.cells[0].name()
    }

    /// Conductance (siemens, at the device's read voltage) of one cell.
    pub fn conductance_s(&self, row: usize, col: usize) -> Result<f64, ArrayError> {
        Ok(self.cell(row, col)?.conductance_s())
    }

    /// All conductances in siemens, row-major (`[row * n_cols + col]`).
    pub fn conductances_s(&self) -> Vec<f64> {
        self.cells.iter().map(|c| c.conductance_s()).collect()
    }

    /// Conductances in siemens as a matrix `[row][col]`: the weights.
    pub fn conductance_matrix_s(&self) -> Vec<Vec<f64>> {
        self.cells
            .chunks(self.n_cols)
            .map(|r| r.iter().map(|c| c.conductance_s()).collect())
            .collect()
    }

    /// Switching cycles seen by one cell.
    pub fn cycles(&self, row: usize, col: usize) -> Result<u64, ArrayError> {
        Ok(self.cell(row, col)?.cycles())
    }

    /// Jump one cell's cycle counter to `n` (endurance studies).
    pub fn set_cycles(&mut self, row: usize, col: usize, n: u64) -> Result<(), ArrayError> {
        self.cell_mut(row, col)?.set_cycles(n);
        Ok(())
    }

    /// Jump every cell's cycle counter to `n`.
    pub fn set_all_cycles(&mut self, n: u64) {
        for c in &mut self.cells {
            c.set_cycles(n);
        }
    }

    /// Energy dissipated in one cell so far, joules.
    pub fn cell_energy_j(&self, row: usize, col: usize) -> Result<f64, ArrayError> {
        let k = self.index(row, col)?;
        Ok(self.cell_energy_j[k])
    }

    /// Per-cell energies in joules, row-major.
    pub fn cell_energies_j(&self) -> &[f64] {
        &self.cell_energy_j
    }

    /// Total energy dissipated in the array so far, joules.
    pub fn energy_j(&self) -> f64 {
        self.energy_j
    }

    /// Zero the energy counters (total and per cell).
    pub fn reset_energy(&mut self) {
        self.cell_energy_j.iter_mut().for_each(|e| *e = 0.0);
        self.energy_j = 0.0;
    }

    /// Hold `v_volts` across cell `(row, col)` for `duration_s` (bypassing the
    /// bus); returns the pulse energy in joules, which is also accumulated.
    pub fn apply_cell(
        &mut self,
        row: usize,
        col: usize,
        v_volts: f64,
        duration_s: f64,
    ) -> Result<f64, ArrayError> {
        let k = self.index(row, col)?;
        self.apply_index(k, v_volts, duration_s)
    }

    /// Let `dt_s` pass at 0 V on cell `(row, col)`.
    pub fn advance_cell(&mut self, row: usize, col: usize, dt_s: f64) -> Result<(), ArrayError> {
        let k = self.index(row, col)?;
        self.cells[k].advance(dt_s);
        Ok(())
    }

    /// Let `dt_s` pass at 0 V on every cell.
    pub fn advance_all(&mut self, dt_s: f64) {
        for c in &mut self.cells {
            c.advance(dt_s);
        }
    }

    /// `apply` on cell `k` with energy accounting; device errors are wrapped
    /// with the cell's coordinates.
    pub(crate) fn apply_index(
        &mut self,
        k: usize,
        v_volts: f64,
        duration_s: f64,
    ) -> Result<f64, ArrayError> {
        let e = self.cells[k]
            .apply(v_volts, duration_s)
            .map_err(|source| ArrayError::Device {
                row: k / self.n_cols,
                col: k % self.n_cols,
                source,
            })?;
        if e.is_finite() {
            self.cell_energy_j[k] += e;
            self.energy_j += e;
        }
        Ok(e)
    }

    pub(crate) fn advance_index(&mut self, k: usize, dt_s: f64) {
        self.cells[k].advance(dt_s);
    }

    pub(crate) fn device(&self, k: usize) -> &dyn Device {
        self.cells[k].as_ref()
    }

    pub(crate) fn device_mut(&mut self, k: usize) -> &mut (dyn Device + 'static) {
        self.cells[k].as_mut()
    }
}
