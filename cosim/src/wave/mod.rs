//! VCD reading and text waveform rendering.
