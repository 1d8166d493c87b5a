//! Golden model of `neuroxbar_rtl::wta::WinnerTakeAll`.

use super::fixed::Membrane;

/// Winner selection rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WtaMode {
    FirstToCross,
    MaxMembrane,
}

/// Registered state of the winner-take-all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WtaModel {
    pub winner: u8,
    pub valid: bool,
    pub onehot: u64,
    /// One-hot of a winner in the cycle after it was latched (homeostasis strobe).
    pub new_winner: u64,
}

/// The winner among `spikes` (lowest index on ties), if any spiked.
pub fn select(mode: WtaMode, spikes: u64, v_pre: &[Membrane]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, v) in v_pre.iter().enumerate() {
        if (spikes >> i) & 1 == 0 {
            continue;
        }
        match best {
            None => best = Some(i),
            Some(b) if mode == WtaMode::MaxMembrane && *v > v_pre[b] => best = Some(i),
            _ => {}
        }
    }
    best
}

impl WtaModel {
    /// One clock cycle.
    #[allow(clippy::too_many_arguments)]
    pub fn step(
        &mut self,
        reset: bool,
        clear: bool,
        mode: WtaMode,
        spikes: u64,
        spikes_valid: bool,
        v_pre: &[Membrane],
    ) {
        let held = self.valid && !clear;
        self.new_winner = 0;
        if reset {
            *self = WtaModel::default();
        } else if !held {
            match select(mode, spikes, v_pre).filter(|_| spikes_valid) {
                Some(w) => {
                    *self = WtaModel {
                        winner: w as u8,
                        valid: true,
                        onehot: 1 << w,
                        new_winner: 1 << w,
                    }
                }
                None => *self = WtaModel::default(),
            }
        }
    }

    /// Losers to inhibit, for an `n`-neuron layer.
    pub fn inhibit(&self, enable: bool, n: usize) -> u64 {
        let all = super::fixed::low_mask(n);
        if self.valid && enable {
            !self.onehot & all
        } else {
            0
        }
    }
}
