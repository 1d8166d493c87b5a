//! What every experiment shares: errors, output directories, run metadata.

use neuroxbar_cosim::cosim::CoSimError;
use std::path::{Path, PathBuf};

/// An experiment failed.
#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    #[error(transparent)]
    CoSim(#[from] CoSimError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// An option outside its allowed range, or options that do not fit
    /// together: names the option and its value, and says what is allowed.
    #[error("{option} {value}: {rule}")]
    Option {
        option: String,
        value: String,
        rule: String,
    },
    /// The device catalogue or a device's parameters: an unknown device, a
    /// device the experiment does not run on, a parameter set it refuses.
    #[error("{0}")]
    Device(String),
    /// The array + front-end model refused an operation at a simulated time.
    #[error("front-end at t = {t_s:.9} s: {message}")]
    FrontEnd { t_s: f64, message: String },
    /// The RTL refused a setting, or a run reached a limit of the hardware
    /// (a register value, a saturating format, the schedule of a time step).
    #[error("{0}")]
    Hardware(String),
    /// A bundled data file that does not parse.
    #[error("{file}: {message}")]
    Data { file: &'static str, message: String },
    /// A result that cannot be rendered as JSON or SVG.
    #[error("report: {0}")]
    Report(String),
}

impl From<neuroxbar_cosim::harness::HarnessError> for ExperimentError {
    fn from(e: neuroxbar_cosim::harness::HarnessError) -> Self {
        ExperimentError::CoSim(CoSimError::Harness(e))
    }
}

impl From<neuroxbar_models::device::DeviceError> for ExperimentError {
    fn from(e: neuroxbar_models::device::DeviceError) -> Self {
        ExperimentError::Device(e.to_string())
    }
}

impl From<serde_json::Error> for ExperimentError {
    fn from(e: serde_json::Error) -> Self {
        ExperimentError::Report(e.to_string())
    }
}

impl ExperimentError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        ExperimentError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The error of an I/O failure on `path`, for `map_err`.
    pub fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> Self + '_ {
        move |source| ExperimentError::io(path, source)
    }

    /// `option` (as the user typed it) with `value` breaks `rule`.
    pub fn option(option: &str, value: impl std::fmt::Display, rule: impl Into<String>) -> Self {
        ExperimentError::Option {
            option: option.to_string(),
            value: value.to_string(),
            rule: rule.into(),
        }
    }

    /// The front-end model's error `e` at `t_s` seconds.
    pub fn front_end(t_s: f64, e: impl std::fmt::Display) -> Self {
        ExperimentError::FrontEnd {
            t_s,
            message: e.to_string(),
        }
    }

    /// A rendering error of a report file.
    pub fn report(e: impl std::fmt::Display) -> Self {
        ExperimentError::Report(e.to_string())
    }
}

/// Default clock of the accelerator, MHz (10 ns per cycle).
pub use neuroxbar_rtl::fe_bus::DEFAULT_CLOCK_MHZ;
/// Clocks an experiment may run the accelerator at, MHz.
pub const CLOCK_MHZ_RANGE: std::ops::RangeInclusive<f64> = 0.1..=500.0;

/// A level in volts as the nearest DAC code of `lsb_v` volts, if the
/// `fe_code` bus (and the level registers of its width) can carry it; else
/// an error naming `what`.
pub fn dac_code(what: &str, v: f64, lsb_v: f64) -> Result<i16, CoSimError> {
    use neuroxbar_rtl::fe_bus::{code_of_volts, FE_CODE_BITS, FE_CODE_MAX, FE_CODE_MIN};
    code_of_volts(v, lsb_v).ok_or_else(|| {
        CoSimError::Config(format!(
            "{what} = {} V is outside the {FE_CODE_BITS}-bit DAC code range [{}, {}] V \
             ({} V per code)",
            neuroxbar_models::device::common::num(v),
            neuroxbar_models::device::common::num(FE_CODE_MIN as f64 * lsb_v),
            neuroxbar_models::device::common::num(FE_CODE_MAX as f64 * lsb_v),
            neuroxbar_models::device::common::num(lsb_v),
        ))
    })
}

/// A duration in seconds as the nearest whole number of `period_s` cycles.
pub fn whole_cycles(t_s: f64, period_s: f64) -> u64 {
    (t_s / period_s).round() as u64
}

/// The front-end parameters at `clock_mhz` (the DAC, ADC and array as by
/// default, every duration in cycles of that clock).
pub fn fe_params(
    clock_mhz: f64,
) -> Result<neuroxbar_models::frontend::FrontEndParams, ExperimentError> {
    if !CLOCK_MHZ_RANGE.contains(&clock_mhz) {
        return Err(ExperimentError::option(
            "--clock-mhz",
            clock_mhz,
            format!(
                "allowed range {} ..= {} MHz",
                CLOCK_MHZ_RANGE.start(),
                CLOCK_MHZ_RANGE.end()
            ),
        ));
    }
    Ok(neuroxbar_models::frontend::FrontEndParams {
        clock_period_s: 1e-6 / clock_mhz,
        ..Default::default()
    })
}

/// Where a command's result folder goes, prepared before any simulation:
/// results are written into a fresh hidden folder beside the target
/// (`<parent>/.<name>.partial-<pid>`) and renamed into place by
/// [`OutDir::commit`] only when complete, so a result folder is either
/// complete or absent, never a mix of two runs. Dropped without a commit,
/// it removes the partial folder (and the default folder it reserved).
#[derive(Debug)]
pub struct OutDir {
    /// Its entry in [`UNFINISHED`].
    id: u64,
    target: PathBuf,
    partial: PathBuf,
    /// An existing non-empty target to replace (`--force`).
    replace: bool,
    /// The target is an empty folder this command created to reserve its name.
    reserved: bool,
    /// Folders on the way to the target that this command created (deepest
    /// first): removed again, if still empty, when nothing is committed.
    created: Vec<PathBuf>,
    committed: bool,
}

/// The uncommitted output folders of this process, by [`OutDir`] id: what
/// [`remove_unfinished_outputs`] removes when the process is interrupted
/// (a signal ends it without running `Drop`).
static UNFINISHED: std::sync::Mutex<Vec<(u64, Unfinished)>> = std::sync::Mutex::new(Vec::new());
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// What an uncommitted [`OutDir`] created.
#[derive(Debug, Clone)]
struct Unfinished {
    partial: PathBuf,
    /// The reserved default folder (removed only if still empty).
    reserved: Option<PathBuf>,
    /// Folders created on the way (removed only if still empty).
    created: Vec<PathBuf>,
}

impl Unfinished {
    fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.partial);
        if let Some(r) = &self.reserved {
            let _ = std::fs::remove_dir(r);
        }
        for d in &self.created {
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// Remove every uncommitted result folder of this process (the hidden
/// partial folders, and the reserved default folders and the parents it
/// created if they are still empty): for an interrupt or termination
/// handler, which then exits. Committed results are untouched; nothing the
/// process did not create is removed.
pub fn remove_unfinished_outputs() {
    let list = match UNFINISHED.lock() {
        Ok(mut l) => std::mem::take(&mut *l),
        Err(p) => std::mem::take(&mut *p.into_inner()),
    };
    for (_, u) in list {
        u.remove();
    }
}

/// Create `dir` and its missing ancestors; returns the ones created,
/// deepest first.
fn create_dirs(dir: &Path) -> Result<Vec<PathBuf>, OutDirError> {
    let missing: Vec<PathBuf> = dir
        .ancestors()
        .filter(|a| !a.as_os_str().is_empty())
        .take_while(|a| std::fs::symlink_metadata(a).is_err())
        .map(Path::to_path_buf)
        .collect();
    std::fs::create_dir_all(dir).map_err(io_err(dir, "create the folder"))?;
    Ok(missing)
}

/// Why an output folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum OutDirError {
    #[error("{0}: exists and is not a folder")]
    NotAFolder(PathBuf),
    #[error("{0}: folder exists and is not empty (use --force to replace it whole, or choose another --out)")]
    NotEmpty(PathBuf),
    #[error("{path}: cannot {what}: {error}")]
    Io {
        path: PathBuf,
        what: &'static str,
        error: std::io::Error,
    },
    #[error("{target}: cannot move the results into place: {error}; the complete results are kept in {partial}")]
    Commit {
        target: PathBuf,
        partial: PathBuf,
        error: std::io::Error,
    },
}

fn io_err<'a>(
    path: &'a Path,
    what: &'static str,
) -> impl FnOnce(std::io::Error) -> OutDirError + 'a {
    move |error| OutDirError::Io {
        path: path.to_path_buf(),
        what,
        error,
    }
}

/// The first existing ancestor of `path` that is not a folder, if any.
pub fn non_folder_ancestor(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .skip(1)
        .filter(|a| !a.as_os_str().is_empty())
        .find(|a| std::fs::metadata(a).is_ok_and(|m| !m.is_dir()))
        .map(Path::to_path_buf)
}

fn is_empty_dir(p: &Path) -> Result<bool, OutDirError> {
    Ok(std::fs::read_dir(p)
        .map_err(io_err(p, "read the folder"))?
        .next()
        .is_none())
}

impl OutDir {
    /// A fresh default folder `root/<name>-<n>`: the first `n` whose folder
    /// this call creates (`create_dir` is atomic, so two concurrent runs
    /// never get the same folder).
    pub fn fresh(root: &Path, name: &str) -> Result<Self, OutDirError> {
        let created = create_dirs(root)?;
        for n in 1u64.. {
            let target = root.join(format!("{name}-{n}"));
            match std::fs::create_dir(&target) {
                Ok(()) => {
                    let mut d = match Self::new(target.clone(), false) {
                        Ok(d) => d,
                        Err(e) => {
                            let _ = std::fs::remove_dir(&target);
                            return Err(e);
                        }
                    };
                    d.reserved = true;
                    d.created.extend(created);
                    d.register();
                    return Ok(d);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(io_err(&target, "create the folder")(e)),
            }
        }
        unreachable!("u64 folder numbers exhausted")
    }

    /// A folder the user named (`--out`): absent or empty, or any folder
    /// with `force` (replaced whole once the new results are complete).
    /// Its parent is created if missing.
    pub fn named(target: &Path, force: bool) -> Result<Self, OutDirError> {
        match std::fs::symlink_metadata(target) {
            Ok(m) if !m.is_dir() => return Err(OutDirError::NotAFolder(target.to_path_buf())),
            Ok(_) => {
                if !is_empty_dir(target)? {
                    if !force {
                        return Err(OutDirError::NotEmpty(target.to_path_buf()));
                    }
                    return Self::new(target.to_path_buf(), true);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(match non_folder_ancestor(target) {
                    Some(a) => OutDirError::NotAFolder(a),
                    None => io_err(target, "read it")(e),
                })
            }
        }
        Self::new(target.to_path_buf(), false)
    }

    /// Either [`OutDir::named`] or [`OutDir::fresh`] under `out/`.
    pub fn from_option(
        out: Option<&Path>,
        force: bool,
        default_name: &str,
    ) -> Result<Self, OutDirError> {
        match out {
            Some(p) => Self::named(p, force),
            None => Self::fresh(Path::new("out"), default_name),
        }
    }

    fn new(target: PathBuf, replace: bool) -> Result<Self, OutDirError> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let created = create_dirs(&parent)?;
        let name = target
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let partial = parent.join(format!(".{name}.partial-{}", std::process::id()));
        // a leftover of an earlier process with the same id is ours to clear
        if partial.exists() {
            std::fs::remove_dir_all(&partial)
                .map_err(io_err(&partial, "remove the stale folder"))?;
        }
        std::fs::create_dir(&partial)
            .map_err(io_err(&partial, "create the temporary result folder"))?;
        let d = Self {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            target,
            partial,
            replace,
            reserved: false,
            created,
            committed: false,
        };
        d.register();
        Ok(d)
    }

    /// Record (or update) what to remove if the process is interrupted.
    fn register(&self) {
        let u = Unfinished {
            partial: self.partial.clone(),
            reserved: self.reserved.then(|| self.target.clone()),
            created: self.created.clone(),
        };
        if let Ok(mut l) = UNFINISHED.lock() {
            l.retain(|(id, _)| *id != self.id);
            l.push((self.id, u));
        }
    }

    /// The final folder.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Where to write the results until [`OutDir::commit`].
    pub fn partial(&self) -> &Path {
        &self.partial
    }

    /// Move the complete results into place. With `--force` the old folder
    /// is moved aside first and removed after the new one is in place.
    pub fn commit(mut self) -> Result<PathBuf, OutDirError> {
        let fail = |partial: &Path, target: &Path| {
            let (partial, target) = (partial.to_path_buf(), target.to_path_buf());
            move |error| OutDirError::Commit {
                target,
                partial,
                error,
            }
        };
        let old = self.replace.then(|| {
            let parent = self.partial.parent().unwrap_or(Path::new("."));
            let name = self
                .target
                .file_name()
                .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
            parent.join(format!(".{name}.old-{}", std::process::id()))
        });
        // from here an interrupt keeps what is on disk: the old results
        // (moved aside) or the new ones
        if let Ok(mut l) = UNFINISHED.lock() {
            l.retain(|(id, _)| *id != self.id);
        }
        if let Some(old) = &old {
            std::fs::rename(&self.target, old).map_err(fail(&self.partial, &self.target))?;
        }
        // renaming onto an empty folder replaces it; onto a non-empty one
        // (filled by someone else meanwhile) fails and keeps both
        if let Err(e) = std::fs::rename(&self.partial, &self.target) {
            if let Some(old) = &old {
                let _ = std::fs::rename(old, &self.target);
            }
            self.committed = true; // keep the partial results
            return Err(fail(&self.partial, &self.target)(e));
        }
        self.committed = true;
        if let Some(old) = &old {
            std::fs::remove_dir_all(old).map_err(io_err(old, "remove the replaced folder"))?;
        }
        Ok(self.target.clone())
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        if let Ok(mut l) = UNFINISHED.lock() {
            l.retain(|(id, _)| *id != self.id);
        }
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.partial);
            if self.reserved {
                // only if still empty: never removes anything else
                let _ = std::fs::remove_dir(&self.target);
            }
            for d in &self.created {
                let _ = std::fs::remove_dir(d); // only if still empty
            }
        }
    }
}

/// `path` as an absolute, lexically normalized path (`.` and `..` folded;
/// symbolic links in the existing part resolved).
pub fn absolute(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    // resolve the longest existing prefix, keep the rest as written
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(n), Some(p)) => {
                rest.push(n.to_os_string());
                existing = p.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for n in rest.into_iter().rev() {
        out.push(n);
    }
    out
}

/// Check, before any simulation, that a VCD path is usable beside the result
/// folder `out`: not inside it (the folder is replaced when complete), not a
/// folder, and its parent a folder (created if missing).
pub fn check_vcd_path(vcd: &Path, out: &OutDir) -> Result<(), String> {
    let v = absolute(vcd);
    for dir in [out.target(), out.partial()] {
        if v.starts_with(absolute(dir)) {
            return Err(format!(
                "--vcd {}: inside the result folder {} (whose files the run writes); write the VCD elsewhere",
                vcd.display(),
                out.target().display()
            ));
        }
    }
    if v.is_dir() {
        return Err(format!(
            "--vcd {}: is a folder, expected a file",
            vcd.display()
        ));
    }
    if let Some(parent) = vcd.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Some(a) = non_folder_ancestor(vcd) {
            return Err(format!(
                "--vcd {}: {} is not a folder",
                vcd.display(),
                a.display()
            ));
        }
        std::fs::create_dir_all(parent).map_err(|e| {
            format!(
                "--vcd {}: cannot create {}: {e}",
                vcd.display(),
                parent.display()
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("neuroxbar-outdir-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_folder_filled_meanwhile_is_kept_and_the_results_too() {
        let d = scratch("filled");
        let t = d.join("res");
        let out = OutDir::named(&t, false).unwrap();
        std::fs::write(out.partial().join("report.json"), "{}").unwrap();
        let partial = out.partial().to_path_buf();
        // another process puts its results there before this one finishes
        std::fs::create_dir(&t).unwrap();
        std::fs::write(t.join("theirs.json"), "{}").unwrap();
        let e = out.commit().unwrap_err().to_string();
        assert!(e.contains("kept in") && e.contains(".res.partial-"), "{e}");
        assert_eq!(names(&t), ["theirs.json"]);
        assert_eq!(names(&partial), ["report.json"]);
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn force_replaces_whole_only_on_commit_and_drop_cleans_up() {
        let d = scratch("force");
        let t = d.join("res");
        std::fs::create_dir(&t).unwrap();
        std::fs::write(t.join("old.csv"), "old").unwrap();
        assert!(matches!(
            OutDir::named(&t, false),
            Err(OutDirError::NotEmpty(_))
        ));
        // dropped without commit: the old folder stays, nothing is left over
        {
            let out = OutDir::named(&t, true).unwrap();
            std::fs::write(out.partial().join("new.csv"), "new").unwrap();
        }
        assert_eq!(names(&t), ["old.csv"]);
        assert_eq!(names(&d), ["res"]);
        let out = OutDir::named(&t, true).unwrap();
        std::fs::write(out.partial().join("new.csv"), "new").unwrap();
        assert_eq!(names(&t), ["old.csv"], "replaced before the commit");
        out.commit().unwrap();
        assert_eq!(names(&t), ["new.csv"]);
        assert_eq!(names(&d), ["res"]);
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn fresh_skips_taken_numbers_and_releases_an_unused_reservation() {
        let d = scratch("fresh");
        std::fs::create_dir(d.join("e-1")).unwrap();
        let a = OutDir::fresh(&d, "e").unwrap();
        let b = OutDir::fresh(&d, "e").unwrap();
        assert_eq!(a.target(), d.join("e-2"));
        assert_eq!(b.target(), d.join("e-3"));
        drop(b);
        assert!(!d.join("e-3").exists());
        std::fs::write(a.partial().join("r"), "x").unwrap();
        a.commit().unwrap();
        assert_eq!(names(&d), ["e-1", "e-2"]);
        assert_eq!(names(&d.join("e-2")), ["r"]);
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn folders_created_on_the_way_are_removed_when_nothing_is_committed() {
        let d = scratch("created");
        // the default root and a named target's missing parents
        drop(OutDir::fresh(&d.join("out"), "e").unwrap());
        drop(OutDir::named(&d.join("a/b/res"), false).unwrap());
        assert!(names(&d).is_empty(), "{:?}", names(&d));
        // a folder that existed, or that holds something meanwhile, stays
        std::fs::create_dir(d.join("keep")).unwrap();
        let out = OutDir::named(&d.join("keep/x/res"), false).unwrap();
        std::fs::write(d.join("keep/x/theirs"), "x").unwrap();
        drop(out);
        assert_eq!(names(&d.join("keep/x")), ["theirs"]);
        // committed: everything stays
        let out = OutDir::named(&d.join("c/res"), false).unwrap();
        std::fs::write(out.partial().join("r"), "x").unwrap();
        out.commit().unwrap();
        assert_eq!(names(&d.join("c/res")), ["r"]);
        std::fs::remove_dir_all(&d).ok();
    }
}
