//! Finding the flow's programs: the project's YoWASP builds in `.venv/`
//! first, Debian's as a fallback, reported as such.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn output_text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The last lines of `text` that mention an error, else its last lines.
pub fn error_excerpt(text: &str) -> String {
    let errors: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("ERROR") || l.contains("Error"))
        .collect();
    let lines: Vec<&str> = if errors.is_empty() {
        text.lines().collect()
    } else {
        errors
    };
    let n = lines.len();
    lines[n.saturating_sub(5)..].join("\n")
}

/// First line of `tool flag`'s output (past the YoWASP launcher's notice),
/// if it runs.
pub fn tool_version(tool: &Path, flag: &str) -> Option<String> {
    let o = Command::new(tool).arg(flag).output().ok()?;
    if !o.status.success() {
        return None;
    }
    output_text(&o)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("Preparing to run"))
        .map(str::to_string)
}

/// A tool program, its version and where it comes from.
#[derive(Clone, Debug)]
pub struct Tool {
    pub program: PathBuf,
    pub version: String,
    /// Debian's build, used because no YoWASP build was found.
    pub fallback: bool,
}

impl Tool {
    /// `yowasp` (the project's) or `debian fallback`.
    pub fn origin(&self) -> &'static str {
        if self.fallback {
            "debian fallback"
        } else {
            "yowasp"
        }
    }
}

/// Folders that may hold the project's YoWASP tools: `$NEUROXBAR_VENV/bin`,
/// `$VIRTUAL_ENV/bin`, then `.venv/bin` in the folder of the executable and
/// each folder above it (`target/release/neuroxbar` finds the checkout's
/// `.venv`), then the same from the working directory.
pub fn venv_bins() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for var in ["NEUROXBAR_VENV", "VIRTUAL_ENV"] {
        if let Some(v) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            dirs.push(PathBuf::from(v).join("bin"));
        }
    }
    let starts = [std::env::current_exe().ok(), std::env::current_dir().ok()];
    for start in starts.into_iter().flatten() {
        for dir in start.ancestors() {
            dirs.push(dir.join(".venv").join("bin"));
        }
    }
    dirs
}

/// Where `<name>` may be, in order: `yowasp-<name>` in the project's
/// virtual environments and on PATH, then Debian's `<name>` on PATH (the
/// fallback, flagged `true`). Only files that exist.
pub fn candidates(name: &str) -> Vec<(PathBuf, bool)> {
    let path_dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    let yowasp = format!("yowasp-{name}");
    let files = |dirs: &[PathBuf], file: &str, fallback: bool| {
        dirs.iter()
            .map(|d| d.join(file))
            .filter(|p| p.is_file())
            .map(move |p| (p, fallback))
            .collect::<Vec<_>>()
    };
    let mut v = files(&venv_bins(), &yowasp, false);
    v.extend(files(&path_dirs, &yowasp, false));
    v.extend(files(&path_dirs, name, true));
    v
}

/// The first candidate file of `<name>` (for tools that print no version).
pub fn locate(name: &str) -> Option<Tool> {
    let (program, fallback) = candidates(name).into_iter().next()?;
    Some(Tool {
        program,
        version: String::new(),
        fallback,
    })
}

/// The first candidate of `<name>` that runs and prints its version.
pub fn find_tool(name: &str, flag: &str) -> Option<Tool> {
    candidates(name)
        .into_iter()
        .find_map(|(program, fallback)| {
            tool_version(&program, flag).map(|version| Tool {
                program,
                version,
                fallback,
            })
        })
}
