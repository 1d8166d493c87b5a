//! Verilator's lint of a generated top: `verilator --lint-only -Wall
//! -Wno-WIDTH` on the top's modules, one file per module (what `-y` and
//! the DECLFILENAME lint expect). `-Wno-WIDTH`: rust-hdl writes every
//! literal 32 bits wide.

use crate::tools::output_text;
use crate::FlowError;
use neuroxbar_rtl::verilog::{write_split, GeneratedTop};
use std::path::Path;
use std::process::Command;

/// The arguments before the module folder and the top file.
pub const LINT_ARGS: [&str; 6] = [
    "--lint-only",
    "-Wall",
    "-Wno-WIDTH",
    "--top-module",
    "top",
    "-y",
];

/// Lint the modules in `dir` (written by [`write_split`] or by `neuroxbar
/// verilog`), top module `dir/top.v`. Any message at all is a failure.
pub fn lint_split(dir: &Path) -> Result<(), FlowError> {
    let top_v = dir.join("top.v");
    let o = Command::new("verilator")
        .args(LINT_ARGS)
        .arg(dir)
        .arg(&top_v)
        .output()
        .map_err(|e| {
            FlowError::io(
                "running verilator (`bash scripts/setup.sh` installs it)".to_string(),
                e,
            )
        })?;
    let text = output_text(&o);
    if o.status.success() && text.trim().is_empty() {
        Ok(())
    } else {
        Err(FlowError::Failed(format!(
            "verilator --lint-only ({}, {}):\n{text}",
            o.status,
            top_v.display()
        )))
    }
}

/// Write `top`'s modules into `dir` and lint them.
pub fn lint(top: &GeneratedTop, dir: &Path) -> Result<(), FlowError> {
    write_split(top, dir).map_err(|e| FlowError::io(format!("writing {}", dir.display()), e))?;
    lint_split(dir)
}
